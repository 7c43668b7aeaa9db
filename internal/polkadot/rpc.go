package polkadot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	gethrpc "github.com/centrifuge/go-substrate-rpc-client/v4/gethrpc"
)

// ErrUnavailable marks a call that did not reach the node or got no answer
// in time: the node is down, unreachable or overloaded. Callers test for it
// with errors.Is and retry later.
var ErrUnavailable = errors.New("polkadot: node unavailable")

// ErrResponseTooLarge marks a response body longer than Options.MaxResponse.
var ErrResponseTooLarge = errors.New("polkadot: response too large")

// ErrRPC marks an error the node answered with (a JSON-RPC error object),
// for example a transaction it refused.
var ErrRPC = errors.New("polkadot: node returned an error")

// Defaults for Options.
const (
	defaultMaxResponse = 16 << 20
	defaultCallTimeout = 30 * time.Second
)

// rpcClient makes JSON-RPC calls over HTTP, each with a timeout and a
// bounded response body, and classifies the errors.
type rpcClient struct {
	c       *gethrpc.Client
	timeout time.Duration
}

// newRPC wraps hc so that every response body is bounded by max.
func newRPC(endpoint string, hc *http.Client, max int64, timeout time.Duration) (*rpcClient, error) {
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	}
	bounded := *hc
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	bounded.Transport = &limitTransport{base: base, max: max}
	c, err := gethrpc.DialHTTPWithClient(endpoint, &bounded)
	if err != nil {
		return nil, fmt.Errorf("polkadot: endpoint %q: %w", endpoint, err)
	}
	return &rpcClient{c: c, timeout: timeout}, nil
}

// call invokes method and decodes the result into out.
func (r *rpcClient) call(ctx context.Context, out any, method string, args ...any) error {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	err := r.c.CallContext(cctx, out, method, args...)
	if err == nil {
		return nil
	}
	var rpcErr gethrpc.Error
	switch {
	case errors.Is(err, ErrResponseTooLarge):
		return fmt.Errorf("%s: %w", method, err)
	case ctx.Err() != nil:
		return fmt.Errorf("polkadot: %s: %w", method, ctx.Err())
	case errors.As(err, &rpcErr):
		return fmt.Errorf("%w: %s: %s (code %d)", ErrRPC, method, rpcErr.Error(), rpcErr.ErrorCode())
	case unreachable(err):
		return fmt.Errorf("%w: %s: %v", ErrUnavailable, method, err)
	}
	return fmt.Errorf("polkadot: %s: %w", method, err)
}

// unreachable reports whether err means the node could not be reached or
// did not answer in time.
func unreachable(err error) bool {
	var ue *url.Error
	var ne net.Error
	var se *statusError
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.As(err, &se) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

func (r *rpcClient) close() { r.c.Close() }

// limitTransport bounds response bodies and turns server errors (5xx) into
// transport errors.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

// statusError is a 5xx answer: a proxy or node that is up but not serving.
type statusError struct{ status string }

func (e *statusError) Error() string { return "HTTP " + e.status }

// RoundTrip implements http.RoundTripper.
func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 500 {
		resp.Body.Close()
		return nil, &statusError{status: resp.Status}
	}
	if resp.ContentLength > t.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes announced, limit %d", ErrResponseTooLarge, resp.ContentLength, t.max)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// limitedBody fails with ErrResponseTooLarge once more than left bytes
// have been read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, ErrResponseTooLarge
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
