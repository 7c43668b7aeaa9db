package gateway

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestServeShutsDownGracefully(t *testing.T) {
	b := newFakeBackend()
	s := New(b, WithLogger(testLogger(t)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	resp, data := do(t, "GET", base+"/healthz", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}

	// An open watch on a job that never ends must not hold up shutdown.
	id := b.addJob(api.PhaseRunning, 1)
	_, sc := openStream(t, t.Context(), base+"/api/v1/jobs/"+id+"/watch")
	next[api.Job](t, sc)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	wantEnd(t, sc)
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after Serve returned")
	}
}
