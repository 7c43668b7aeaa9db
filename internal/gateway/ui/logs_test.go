package ui

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

// rawEvent is one Server-Sent Event with its data unparsed.
type rawEvent struct {
	Event, Data string
}

// readRawEvent reads the next event with data; io.EOF when the stream ended.
func readRawEvent(r *bufio.Reader) (rawEvent, error) {
	var ev rawEvent
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			if ev.Data == "" {
				continue
			}
			return ev, nil
		}
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "event":
			ev.Event = value
		case "data":
			ev.Data += value
		}
	}
}

// readLog reads the next "log" event.
func readLog(t *testing.T, r *bufio.Reader) logEvent {
	t.Helper()
	ev, err := readRawEvent(r)
	if err != nil || ev.Event != "log" {
		t.Fatalf("next log event: %+v, %v", ev, err)
	}
	var le logEvent
	if err := json.Unmarshal([]byte(ev.Data), &le); err != nil {
		t.Fatal(err)
	}
	return le
}

func TestJobLogsLive(t *testing.T) {
	srv, b := newTestUI(t, nil)
	b.setLogs("job-run", api.TaskLog{TaskID: "job-run-s0-r0", Stdout: "line 1\n<b>bold</b>\n", Partial: true})

	// The page shows the output so far, escaped, and the stream to follow.
	body := getPage(t, srv, "/jobs/job-run", http.StatusOK)
	wantAll(t, "/jobs/job-run", body,
		`<pre id="job-logs" class="logs" tabindex="0" aria-label="Output of the job's tasks" data-log-events="/jobs/job-run/logs">`,
		"==&gt; job-run-s0-r0 (shard 0, replica 0) stdout &lt;==\nline 1\n&lt;b&gt;bold&lt;/b&gt;\n</pre>",
		`<script src="/static/logs.js" defer></script>`, `id="job-logs-status"`)

	res, r := openEvents(t, srv.URL+"/jobs/job-run/logs", "")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	first := readLog(t, r)
	if !first.Reset || !strings.HasSuffix(first.Text, "line 1\n<b>bold</b>\n") {
		t.Fatalf("first log event %+v", first)
	}

	// New output arrives as only what is new, the other stream under its
	// own header.
	b.setLogs("job-run", api.TaskLog{TaskID: "job-run-s0-r0", Stdout: "line 1\n<b>bold</b>\nline 3\n", Stderr: "warn", Partial: true})
	next := readLog(t, r)
	if next.Reset || next.Text != "line 3\n==> job-run-s0-r0 (shard 0, replica 0) stderr <==\nwarn" {
		t.Fatalf("next log event %+v", next)
	}

	// The job ends: the last output, then "end", then the stream closes.
	b.setLogs("job-run", api.TaskLog{TaskID: "job-run-s0-r0", Stdout: "line 1\n<b>bold</b>\nline 3\n", Stderr: "warn\n"})
	b.advance("job-run", api.PhaseCompleted)
	last := readLog(t, r)
	if last.Text != "\n" {
		t.Errorf("last log event %+v", last)
	}
	if ev, err := readRawEvent(r); err != nil || ev.Event != "end" {
		t.Fatalf("after the last output: %+v, %v", ev, err)
	}
	if _, err := readRawEvent(r); err != io.EOF {
		t.Errorf("the stream did not end: %v", err)
	}

	// A finished job's page shows its logs without a stream.
	body = getPage(t, srv, "/jobs/job-run", http.StatusOK)
	if strings.Contains(body, "data-log-events") || strings.Contains(body, "logs.js") {
		t.Error("a finished job's page follows its logs")
	}
	wantAll(t, "/jobs/job-run", body, "stderr &lt;==\nwarn\n</pre>")

	getPage(t, srv, "/jobs/nope/logs", http.StatusNotFound)
}

func TestLogWriterTruncated(t *testing.T) {
	lw := newLogWriter()
	got := lw.next([]api.TaskLog{{Shard: 1, Replica: 2, Stdout: "partial", Truncated: true}})
	want := "==> shard 1 replica 2 (shard 1, replica 2) stdout <==\npartial\n[the output of shard 1 replica 2 was truncated]\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if again := lw.next([]api.TaskLog{{Shard: 1, Replica: 2, Stdout: "partial", Truncated: true}}); again != "" {
		t.Errorf("repeated %q", again)
	}
}
