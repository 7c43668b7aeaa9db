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
	err := c.stream(ctx, jobPath(id, "watch"), nil, func(dec *json.Decoder) error {
		var j Job
		if err := dec.Decode(&j); err != nil {
			return err
		}
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
	err := c.stream(ctx, jobPath(id, "logs"), url.Values{"follow": {"true"}}, func(dec *json.Decoder) error {
		var l TaskLog
		if err := dec.Decode(&l); err != nil {
			return err
		}
		return fn(l)
	})
	if err != nil {
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

// stream opens an NDJSON stream and calls next for each value until the
// stream ends (nil) or next fails.
func (c *Client) stream(ctx context.Context, path string, query url.Values, next func(*json.Decoder) error) error {
	resp, err := c.send(ctx, request{method: http.MethodGet, path: path, query: query})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		if err := next(dec); err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			var se *json.SyntaxError
			var ute *json.UnmarshalTypeError
			if errors.As(err, &se) || errors.As(err, &ute) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("GET %s: read stream: %w", path, err)
			}
			return err
		}
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}
