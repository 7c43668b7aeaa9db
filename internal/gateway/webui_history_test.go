package gateway

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// samplerRunning reports whether the web UI's sampler goroutine runs.
func samplerRunning() bool {
	buf := make([]byte, 1<<20)
	return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "ui.(*Handler).runHistory")
}

// TestWebUIHistoryLivesWithServe: the UI's sampler of the network's
// figures starts with the first page Serve answers and ends when Serve
// does; a Server used without Serve starts none.
func TestWebUIHistoryLivesWithServe(t *testing.T) {
	samplerEnds(t, "of an earlier test") // a test that ran Serve ended it
	_, _, ts := newTestGateway(t, WithUI())
	if resp, _ := do(t, "GET", ts.URL+"/", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d", resp.StatusCode)
	}
	if samplerRunning() {
		t.Fatal("a Server used without Serve runs the UI's sampler")
	}

	s := New(newFakeBackend(), WithLogger(testLogger(t)), WithUI())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /: %d", resp.StatusCode)
	}
	// The sampler's goroutine may not be scheduled yet on a loaded
	// machine: give it a while.
	for deadline := time.Now().Add(10 * time.Second); !samplerRunning(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Error("the UI's sampler does not run once Serve answered a page")
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	samplerEnds(t, "after Serve returned")
}

// samplerEnds waits a while for every UI sampler to end.
func samplerEnds(t *testing.T, when string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for samplerRunning() {
		if time.Now().After(deadline) {
			t.Fatalf("a UI sampler runs on %s", when)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
