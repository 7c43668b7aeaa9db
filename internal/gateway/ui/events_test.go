package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	ID, Event string
	Data      jobEvent
}

// readEvent reads the next event with data from an SSE stream; io.EOF
// when the stream ended.
func readEvent(t *testing.T, r *bufio.Reader) (sseEvent, error) {
	t.Helper()
	var ev sseEvent
	var data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			if data == "" {
				continue // e.g. the retry preamble
			}
			if err := json.Unmarshal([]byte(data), &ev.Data); err != nil {
				t.Fatalf("event data %q: %v", data, err)
			}
			return ev, nil
		}
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "id":
			ev.ID = value
		case "event":
			ev.Event = value
		case "data":
			data += value
		}
	}
}

// openEvents opens the event stream of a job.
func openEvents(t *testing.T, url, lastID string) (*http.Response, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %d %q", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return res, bufio.NewReader(res.Body)
}

func TestJobEventsFollowTheJob(t *testing.T) {
	srv, b := newTestUI(t, nil)
	_, r := openEvents(t, srv.URL+"/jobs/job-run/events", "")

	want := func(phase api.Phase, version uint64) {
		t.Helper()
		ev, err := readEvent(t, r)
		if err != nil {
			t.Fatalf("waiting for %s: %v", phase, err)
		}
		if ev.Event != "job" || ev.Data.ID != "job-run" || ev.Data.Phase != phase || ev.Data.Version != version ||
			ev.Data.Terminal != phase.Terminal() || ev.ID != strconv.FormatUint(version, 10) {
			t.Fatalf("event %+v, want phase %s version %d", ev, phase, version)
		}
	}
	want(api.PhaseRunning, 2) // the state now
	b.advance("job-run", api.PhaseVerifying)
	want(api.PhaseVerifying, 3)
	b.advance("job-run", api.PhaseCompleted)
	want(api.PhaseCompleted, 4)
	if _, err := readEvent(t, r); err != io.EOF {
		t.Fatalf("after the terminal phase: %v, want the stream to end", err)
	}
}

func TestJobEventsResumeAfterLastEventID(t *testing.T) {
	srv, b := newTestUI(t, nil)
	b.advance("job-run", api.PhaseVerifying) // version 3
	_, r := openEvents(t, srv.URL+"/jobs/job-run/events", "3")
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.advance("job-run", api.PhaseCompleted) // version 4
	}()
	ev, err := readEvent(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Data.Version != 4 || ev.Data.Phase != api.PhaseCompleted {
		t.Fatalf("first event after Last-Event-ID 3: %+v", ev)
	}
	<-done
}

func TestJobEventsOfAFinishedJob(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	_, r := openEvents(t, srv.URL+"/jobs/job-done/events", "")
	ev, err := readEvent(t, r)
	if err != nil || !ev.Data.Terminal || ev.Data.Phase != api.PhaseCompleted {
		t.Fatalf("event %+v, %v", ev, err)
	}
	if _, err := readEvent(t, r); err != io.EOF {
		t.Fatalf("%v, want the stream to end", err)
	}
}

func TestJobEventsEndWithTheStreamContext(t *testing.T) {
	b := newFakeBackend()
	fixture(b)
	drain, stop := context.WithCancel(context.Background())
	h := New(b, WithNotFound(errNotFound), WithStreamContext(func(r *http.Request) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(r.Context())
		go func() {
			select {
			case <-drain.Done():
				cancel()
			case <-ctx.Done():
			}
		}()
		return ctx, cancel
	}))
	srv := newServer(t, h)
	_, r := openEvents(t, srv.URL+"/jobs/job-run/events", "")
	if _, err := readEvent(t, r); err != nil {
		t.Fatal(err)
	}
	stop() // the server shuts down
	if _, err := readEvent(t, r); err != io.EOF {
		t.Fatalf("%v, want the stream to end", err)
	}
}
