package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// maxErrorBody bounds how much of an error response the client reads.
const maxErrorBody = 1 << 20

// Client calls the gateway's HTTP API. It is safe for concurrent use.
type Client struct {
	base string
	hc   *http.Client
	ua   string
	auth clientAuth
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithHTTPClient sets the HTTP client requests go through. It should have
// no overall timeout: watches and log streams last as long as a job; use
// contexts to bound calls instead.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) ClientOption {
	return func(c *Client) { c.ua = ua }
}

// NewClient returns a client for the gateway at baseURL, such as
// "http://127.0.0.1:7700". A URL without a scheme gets "http://".
func NewClient(baseURL string, opts ...ClientOption) *Client {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	c := &Client{base: base, hc: &http.Client{}, ua: "opensky"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// BaseURL returns the gateway address the client talks to.
func (c *Client) BaseURL() string {
	return c.base
}

// request describes one API call.
type request struct {
	method      string
	path        string // under /api/v1, already escaped
	query       url.Values
	body        io.Reader
	contentType string
	// bodySHA256, when set, is the hex SHA-256 of body, computed by the
	// caller: a signed request then streams body instead of reading it
	// first to hash it.
	bodySHA256 string
	// length, when positive, is the body's exact size, sent as
	// Content-Length.
	length int64
}

// send performs r and returns the response when its status is 2xx. Any
// other status becomes an *APIError; a failure to talk to the gateway at
// all an *UnreachableError.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	u := c.base + "/api/v1" + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	signer, err := c.auth.signer(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	bodySum := r.bodySHA256
	if signer != nil && bodySum == "" {
		if r.body, bodySum, err = hashBody(r.body); err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, r.body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	if f, ok := r.body.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if pos, err := f.Seek(0, io.SeekCurrent); err == nil {
				req.ContentLength = fi.Size() - pos
			}
		}
	}
	if r.length > 0 {
		req.ContentLength = r.length
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("User-Agent", c.ua)
	if err := c.auth.apply(req, signer, bodySum); err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", r.method, r.path, context.Cause(ctx))
		}
		return nil, &UnreachableError{URL: c.base, Err: unwrapURLError(err)}
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, readAPIError(resp)
}

// unwrapURLError drops the *url.Error layer, whose message repeats the
// method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// readAPIError decodes the error body of resp, falling back to a message
// built from the status when the body is not an api.Error (a proxy's page,
// say).
func readAPIError(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{Status: resp.StatusCode}
	if err := json.Unmarshal(data, &e.Body); err != nil || e.Body.Message == "" {
		snippet := strings.TrimSpace(string(data))
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		e.Body = Error{
			Code:    strings.ToLower(strings.ReplaceAll(http.StatusText(resp.StatusCode), " ", "_")),
			Message: strings.TrimSpace(fmt.Sprintf("the gateway answered %d %s %s", resp.StatusCode, http.StatusText(resp.StatusCode), snippet)),
		}
	}
	return e
}

// call performs r and decodes the JSON response into out (unless nil).
func (c *Client) call(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode response: %w", r.method, r.path, err)
	}
	return nil
}

// get calls a GET endpoint.
func (c *Client) get(ctx context.Context, path string, query url.Values, out any) error {
	return c.call(ctx, request{method: http.MethodGet, path: path, query: query}, out)
}

// postJSON calls a POST endpoint with v as its JSON body.
func (c *Client) postJSON(ctx context.Context, path string, v, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("POST %s: encode request: %w", path, err)
	}
	return c.call(ctx, request{method: http.MethodPost, path: path, body: bytes.NewReader(data), contentType: "application/json"}, out)
}

// jobPath returns the escaped path of a job, with optional sub-resources.
func jobPath(id string, sub ...string) string {
	p := "/jobs/" + url.PathEscape(id)
	for _, s := range sub {
		p += "/" + s
	}
	return p
}
