package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestHealthz(t *testing.T) {
	_, _, ts := newTestGateway(t)
	resp, data := do(t, "GET", ts.URL+"/healthz", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := decode[map[string]string](t, data); got["status"] != "ok" {
		t.Fatalf("body %s", data)
	}
}

func TestNode(t *testing.T) {
	_, _, ts := newTestGateway(t)
	resp, data := do(t, "GET", ts.URL+"/api/v1/node", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n := decode[api.Node](t, data); n.Peer != "12D3KooWfake" || n.Version != "test" {
		t.Fatalf("node %+v", n)
	}
}

func TestProviders(t *testing.T) {
	b, _, ts := newTestGateway(t)
	_, data := do(t, "GET", ts.URL+"/api/v1/providers", "", nil)
	if strings.TrimSpace(string(data)) != "[]" {
		t.Fatalf("no providers: body %s, want []", data)
	}
	b.providers = []api.Provider{{Peer: "p1", Engines: []string{"wasm"}, Total: api.Capacity{MilliCPU: 4000}}}
	_, data = do(t, "GET", ts.URL+"/api/v1/providers", "", nil)
	ps := decode[[]api.Provider](t, data)
	if len(ps) != 1 || ps[0].Peer != "p1" || ps[0].Total.MilliCPU != 4000 {
		t.Fatalf("providers %+v", ps)
	}
}

func TestUnknownRoute(t *testing.T) {
	_, _, ts := newTestGateway(t)
	for _, p := range []string{"/", "/nope", "/api/v1/nope", "/api/v2/jobs"} {
		resp, data := do(t, "GET", ts.URL+p, "", nil)
		wantError(t, resp, data, http.StatusNotFound, "not_found")
	}
}

func TestWrongMethod(t *testing.T) {
	_, _, ts := newTestGateway(t)
	cases := []struct {
		method, path, allow string
	}{
		{"DELETE", "/api/v1/jobs", "GET, HEAD, POST"},
		{"POST", "/api/v1/node", "GET, HEAD"},
		{"GET", "/api/v1/jobs/j1/cancel", "POST"},
		{"PUT", "/api/v1/blobs", "POST"},
	}
	for _, c := range cases {
		resp, data := do(t, c.method, ts.URL+c.path, "", nil)
		wantError(t, resp, data, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := resp.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	b, _, ts := newTestGateway(t)
	b.panicOn = "Node"
	resp, data := do(t, "GET", ts.URL+"/api/v1/node", "", nil)
	e := wantError(t, resp, data, http.StatusInternalServerError, "internal")
	if strings.Contains(e.Message, "fake backend") {
		t.Fatalf("internal detail leaked to the client: %q", e.Message)
	}
}

func TestBackendErrorsMapToStatuses(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("job x: %w", ErrNotFound), 404, "not_found"},
		{fmt.Errorf("job x is completed: %w", ErrConflict), 409, "conflict"},
		{fmt.Errorf("blob: %w", ErrTooLarge), 413, "too_large"},
		{fmt.Errorf("chain syncing: %w", ErrUnavailable), 503, "unavailable"},
		{fmt.Errorf("sha256:ab: %w", ErrBlobNotFound), 400, "bad_request"},
		{errors.New("disk on fire"), 500, "internal"},
	}
	for _, c := range cases {
		b, _, ts := newTestGateway(t)
		b.submitErr = c.err
		resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(validSpecJSON))
		e := wantError(t, resp, data, c.status, c.code)
		if c.status == 500 && strings.Contains(e.Message, "disk on fire") {
			t.Errorf("internal detail leaked: %q", e.Message)
		}
		if c.status == 503 && e.Hint == "" {
			t.Errorf("503 without a hint")
		}
	}
}
