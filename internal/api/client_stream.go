package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// WatchJob calls fn with the job's record now and after each change until
// the job reaches a terminal phase (fn sees that record), fn returns an
// error (returned as is) or ctx ends.
func (c *Client) WatchJob(ctx context.Context, id string, fn func(Job) error) error {
	terminal := false
	err := stream(ctx, c, jobPath(id, "watch"), nil, func(j Job) error {
		terminal = j.Phase.Terminal()
		return fn(j)
	})
	if err != nil {
		return err
	}
	if !terminal {
		return fmt.Errorf("watch of job %s ended before the job finished (the gateway may have restarted)", id)
	}
	return nil
}

// FollowLogs calls fn with each task's log as the task finishes, until the
// job is terminal, fn returns an error (returned as is) or ctx ends.
func (c *Client) FollowLogs(ctx context.Context, id string, fn func(TaskLog) error) error {
	if err := stream(ctx, c, jobPath(id, "logs"), url.Values{"follow": {"true"}}, fn); err != nil {
		return err
	}
	// The stream also ends when the gateway shuts down: tell that apart
	// from the job having finished.
	j, err := c.GetJob(ctx, id)
	if err != nil {
		return err
	}
	if !j.Phase.Terminal() {
		return fmt.Errorf("log stream of job %s ended before the job finished (the gateway may have restarted)", id)
	}
	return nil
}

// stream opens an NDJSON stream and calls fn with each value until the
// stream ends cleanly (nil), fn fails (its error), reading fails or ctx
// ends.
func stream[T any](ctx context.Context, c *Client, path string, query url.Values, fn func(T) error) error {
	resp, err := c.send(ctx, request{method: http.MethodGet, path: path, query: query})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var v T
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return fmt.Errorf("GET %s: read stream: %w", path, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
}
