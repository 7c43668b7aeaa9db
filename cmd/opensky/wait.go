package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// cancelTimeout bounds the cancellation sent when the user interrupts a
// command that waits for a job.
const cancelTimeout = 15 * time.Second

// waitJob watches job id until it is terminal, calling onChange (if set)
// with each record, and returns the last record. When ctx ends first (the
// user pressed Ctrl-C) it cancels the job on the gateway and returns an
// error carrying exit code 130.
func waitJob(ctx context.Context, c *api.Client, id string, stderr io.Writer, onChange func(*api.Job)) (*api.Job, error) {
	var last *api.Job
	err := c.WatchJob(ctx, id, func(j api.Job) error {
		last = &j
		if onChange != nil {
			onChange(&j)
		}
		return nil
	})
	if err == nil {
		return last, nil
	}
	if ctx.Err() == nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "\ninterrupted: cancelling job %s\n", id)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	j, err := c.CancelJob(cctx, id, "interrupted by the consumer")
	var ae *api.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusConflict {
		// It finished in the meantime.
		j, err = c.GetJob(cctx, id)
	}
	if err != nil {
		return nil, &exitError{code: exitCancelled, err: fmt.Errorf("cancel job %s: %w", id, err)}
	}
	if !j.Phase.Terminal() {
		return nil, &exitError{code: exitCancelled, err: fmt.Errorf("job %s is being cancelled (now %s)", id, j.Phase)}
	}
	return j, nil
}

// afterWait returns the context for the calls that report on a job once
// waitJob returned: ctx itself, or, when the user interrupted the wait and
// the job was cancelled, a short-lived one so that the output captured
// before the cancellation can still be shown.
func afterWait(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx.Err() == nil {
		return ctx, func() {}
	}
	return context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
}
