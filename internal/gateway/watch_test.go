package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// openStream starts a streaming GET and returns the response and a line
// scanner over its body.
func openStream(t *testing.T, ctx context.Context, url string) (*http.Response, *bufio.Scanner) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Fatalf("Content-Type %q", ct)
	}
	return resp, bufio.NewScanner(resp.Body)
}

// next reads one NDJSON line into a T.
func next[T any](t *testing.T, sc *bufio.Scanner) T {
	t.Helper()
	if !sc.Scan() {
		t.Fatalf("stream ended early: %v", sc.Err())
	}
	var v T
	if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
		t.Fatalf("line %q: %v", sc.Bytes(), err)
	}
	return v
}

// wantEnd checks that the stream has no more lines.
func wantEnd(t *testing.T, sc *bufio.Scanner) {
	t.Helper()
	if sc.Scan() {
		t.Fatalf("unexpected line after the end: %s", sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("stream did not end cleanly: %v", err)
	}
}

// eventually polls cond until it holds or the test's deadline nears.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if d, ok := t.Deadline(); ok && time.Until(d) < time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatchStreamsChangesUntilTerminal(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseQueued, 1)
	_, sc := openStream(t, t.Context(), ts.URL+"/api/v1/jobs/"+id+"/watch")

	if j := next[api.Job](t, sc); j.Phase != api.PhaseQueued || j.Version != 1 {
		t.Fatalf("first record %+v", j)
	}
	b.advance(id, api.PhaseRunning)
	if j := next[api.Job](t, sc); j.Phase != api.PhaseRunning || j.Version != 2 {
		t.Fatalf("second record %+v", j)
	}
	b.advance(id, api.PhaseCompleted)
	if j := next[api.Job](t, sc); j.Phase != api.PhaseCompleted {
		t.Fatalf("third record %+v", j)
	}
	wantEnd(t, sc)
}

func TestWatchTerminalJobSendsOneRecord(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseFailed, 1)
	_, sc := openStream(t, t.Context(), ts.URL+"/api/v1/jobs/"+id+"/watch")
	if j := next[api.Job](t, sc); j.Phase != api.PhaseFailed {
		t.Fatalf("record %+v", j)
	}
	wantEnd(t, sc)
}

func TestWatchUnknownJob(t *testing.T) {
	_, _, ts := newTestGateway(t)
	resp, data := do(t, "GET", ts.URL+"/api/v1/jobs/missing/watch", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}

func TestWatchEndsWhenClientGoesAway(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 1)
	ctx, cancel := context.WithCancel(t.Context())
	_, sc := openStream(t, ctx, ts.URL+"/api/v1/jobs/"+id+"/watch")
	next[api.Job](t, sc)
	eventually(t, "the handler to wait", func() bool { return b.waiting() == 1 })
	cancel()
	eventually(t, "the handler to stop waiting", func() bool { return b.waiting() == 0 })
}

func TestFollowLogs(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 2)
	_, sc := openStream(t, t.Context(), ts.URL+"/api/v1/jobs/"+id+"/logs?follow=true")

	b.finishTask(id, 1, "one\n")
	if l := next[api.TaskLog](t, sc); l.Shard != 1 || l.Stdout != "one\n" {
		t.Fatalf("first log %+v", l)
	}
	b.finishTask(id, 0, "zero\n")
	if l := next[api.TaskLog](t, sc); l.Shard != 0 || l.Stdout != "zero\n" {
		t.Fatalf("second log %+v", l)
	}
	b.advance(id, api.PhaseCompleted)
	wantEnd(t, sc)
}

func TestFollowLogsOfFinishedJob(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 2)
	b.finishTask(id, 0, "a")
	b.finishTask(id, 1, "b")
	b.advance(id, api.PhaseCompleted)
	_, sc := openStream(t, t.Context(), ts.URL+"/api/v1/jobs/"+id+"/logs?follow=1")
	next[api.TaskLog](t, sc)
	next[api.TaskLog](t, sc)
	wantEnd(t, sc)
}

func TestLogs(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 2)
	_, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/logs", "", nil)
	if l := decode[api.Logs](t, data); l.JobID != id || l.Tasks == nil || len(l.Tasks) != 0 {
		t.Fatalf("logs %s", data)
	}
	b.finishTask(id, 0, "out")
	_, data = do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/logs", "", nil)
	if l := decode[api.Logs](t, data); len(l.Tasks) != 1 || l.Tasks[0].Stdout != "out" {
		t.Fatalf("logs %+v", l)
	}
	resp, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/logs?follow=maybe", "", nil)
	wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/missing/logs?follow=true", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}

func TestFollowLogsStreamsPartialOutputAsDeltas(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 1)
	setPartial := func(stdout string) {
		b.mu.Lock()
		b.logs[id] = []api.TaskLog{{TaskID: "t0", Stdout: stdout, Partial: true}}
		b.mu.Unlock()
	}
	setPartial("one\n")
	_, sc := openStream(t, t.Context(), ts.URL+"/api/v1/jobs/"+id+"/logs?follow=true")
	if l := next[api.TaskLog](t, sc); !l.Partial || l.Stdout != "one\n" {
		t.Fatalf("first line %+v", l)
	}
	// New output of the running task arrives without the job changing.
	setPartial("one\ntwo\n")
	if l := next[api.TaskLog](t, sc); !l.Partial || l.Stdout != "two\n" {
		t.Fatalf("second line %+v, want only what is new", l)
	}
	b.mu.Lock()
	b.logs[id] = []api.TaskLog{{TaskID: "t0", Stdout: "one\ntwo\nthree\n"}}
	b.mu.Unlock()
	b.advance(id, api.PhaseCompleted)
	if l := next[api.TaskLog](t, sc); l.Partial || l.Stdout != "three\n" {
		t.Fatalf("final line %+v, want the rest and not partial", l)
	}
	wantEnd(t, sc)
}
