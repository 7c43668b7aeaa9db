package gateway

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

func TestWebUIIsServedBesideTheAPI(t *testing.T) {
	b, _, ts := newTestGateway(t, WithUI())
	id := b.addJob(api.PhaseRunning, 2)

	for _, p := range []string{"/", "/submit", "/jobs", "/jobs/" + id, "/providers", "/chain"} {
		resp, data := do(t, "GET", ts.URL+p, "", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: %d %q: %s", p, resp.StatusCode, resp.Header.Get("Content-Type"), data)
		}
	}
	resp, data := do(t, "GET", ts.URL+"/chain", "", nil)
	if !strings.Contains(string(data), "This gateway runs without a chain") {
		t.Errorf("GET /chain without a chain: %s", data)
	}
	resp, data = do(t, "GET", ts.URL+"/jobs/nope", "", nil)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(data), "Job not found") {
		t.Errorf("GET /jobs/nope: %d %s", resp.StatusCode, data)
	}

	// The API, health and metrics keep their JSON answers.
	for _, p := range []string{"/api", "/api/v1/nope", "/api/v2/jobs"} {
		resp, data := do(t, "GET", ts.URL+p, "", nil)
		wantError(t, resp, data, http.StatusNotFound, "not_found")
	}
	resp, data = do(t, "POST", ts.URL+"/healthz", "", nil)
	wantError(t, resp, data, http.StatusMethodNotAllowed, "method_not_allowed")
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/"+id, "", nil)
	if resp.StatusCode != http.StatusOK || decode[api.Job](t, data).ID != id {
		t.Fatalf("GET /api/v1/jobs/%s: %d %s", id, resp.StatusCode, data)
	}
	_, data = do(t, "GET", ts.URL+"/metrics", "", nil)
	if !strings.Contains(string(data), `route="ui"`) {
		t.Error("the UI's requests are not in the metrics under route ui")
	}
}

func TestWebUIEventStreamEndsOnShutdown(t *testing.T) {
	b := newFakeBackend()
	s := New(b, WithLogger(testLogger(t)), WithUI())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	id := b.addJob(api.PhaseRunning, 1)
	rctx, rcancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer rcancel()
	req, err := http.NewRequestWithContext(rctx, "GET", "http://"+ln.Addr().String()+"/jobs/"+id+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, ct)
	}
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("before the first event: %v", err)
		}
		if strings.HasPrefix(line, "event: job") {
			break
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if _, err := io.ReadAll(r); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
}
