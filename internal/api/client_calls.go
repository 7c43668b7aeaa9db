package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/spec"
)

// Node describes the gateway's node.
func (c *Client) Node(ctx context.Context) (Node, error) {
	var n Node
	err := c.get(ctx, "/node", nil, &n)
	return n, err
}

// Providers lists the providers the gateway's orchestrator knows.
func (c *Client) Providers(ctx context.Context) ([]Provider, error) {
	var ps []Provider
	err := c.get(ctx, "/providers", nil, &ps)
	return ps, err
}

// PutBlob uploads r as a blob and returns its reference. An *os.File is
// sent with its size, so an oversized file is refused before it is sent.
func (c *Client) PutBlob(ctx context.Context, r io.Reader) (Blob, error) {
	var b Blob
	err := c.call(ctx, request{method: http.MethodPost, path: "/blobs", body: r, contentType: "application/octet-stream"}, &b)
	return b, err
}

// SubmitJob submits a job whose local files were already uploaded and
// replaced by blob references.
func (c *Client) SubmitJob(ctx context.Context, s spec.Job) (*Job, error) {
	var j Job
	if err := c.postJSON(ctx, "/jobs", s, &j); err != nil {
		return nil, err
	}
	return &j, nil
}

// GetJob returns a job's record.
func (c *Client) GetJob(ctx context.Context, id string) (*Job, error) {
	var j Job
	if err := c.get(ctx, jobPath(id), nil, &j); err != nil {
		return nil, err
	}
	return &j, nil
}

// ListJobs lists jobs, newest first.
func (c *Client) ListJobs(ctx context.Context, opts ListOptions) ([]Job, error) {
	q := url.Values{}
	if opts.Phase != "" {
		q.Set("phase", string(opts.Phase))
	}
	if opts.Limit > 0 {
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	var js []Job
	err := c.get(ctx, "/jobs", q, &js)
	return js, err
}

// CancelJob cancels a job; reason (optional) is recorded on it.
func (c *Client) CancelJob(ctx context.Context, id, reason string) (*Job, error) {
	q := url.Values{}
	if reason != "" {
		q.Set("reason", reason)
	}
	var j Job
	if err := c.call(ctx, request{method: http.MethodPost, path: jobPath(id, "cancel"), query: q}, &j); err != nil {
		return nil, err
	}
	return &j, nil
}

// Logs returns the captured output of a job's finished tasks.
func (c *Client) Logs(ctx context.Context, id string) (*Logs, error) {
	var l Logs
	if err := c.get(ctx, jobPath(id, "logs"), nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Outputs lists a job's collected output files.
func (c *Client) Outputs(ctx context.Context, id string) ([]OutputFile, error) {
	var fs []OutputFile
	err := c.get(ctx, jobPath(id, "outputs"), nil, &fs)
	return fs, err
}

// DownloadOutput writes the bytes of one output file to w.
func (c *Client) DownloadOutput(ctx context.Context, id string, shard int, path string, w io.Writer) error {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	p := jobPath(id, "outputs", strconv.Itoa(shard), strings.Join(segs, "/"))
	resp, err := c.send(ctx, request{method: http.MethodGet, path: p})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return fmt.Errorf("download %s (shard %d): %w", path, shard, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("download %s (shard %d): got %d of %d bytes", path, shard, n, resp.ContentLength)
	}
	return nil
}
