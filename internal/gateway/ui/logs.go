package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// logPoll is how often a log stream looks for new output of running tasks
// between changes of the job.
const logPoll = 250 * time.Millisecond

// logEvent is the data of one "log" event of a job's log stream: text to
// append to the page's log, or with Reset, to replace it with.
type logEvent struct {
	Reset bool   `json:"reset,omitempty"`
	Text  string `json:"text"`
}

// logWriter turns the tasks' logs into the text of the page's log: each
// task's stdout and stderr under a header line, a header again whenever
// the text switches to another task or stream. It remembers what it
// wrote, so that each call returns only the new text.
type logWriter struct {
	sent      map[string]int  // bytes written per task and stream
	truncated map[string]bool // tasks whose truncation was noted
	last      string          // the task and stream of the last header
	open      bool            // the text so far does not end a line
}

func newLogWriter() *logWriter {
	return &logWriter{sent: make(map[string]int), truncated: make(map[string]bool)}
}

// next returns the text of logs not returned before.
func (lw *logWriter) next(logs []api.TaskLog) string {
	var b strings.Builder
	for _, l := range logs {
		task := l.TaskID
		if task == "" {
			task = "shard " + strconv.Itoa(l.Shard) + " replica " + strconv.Itoa(l.Replica)
		}
		for _, s := range [...]struct{ name, text string }{{"stdout", l.Stdout}, {"stderr", l.Stderr}} {
			key := task + " " + s.name
			from := lw.sent[key]
			if from >= len(s.text) {
				continue
			}
			if lw.last != key {
				if lw.open {
					b.WriteByte('\n')
				}
				fmt.Fprintf(&b, "==> %s (shard %d, replica %d) %s <==\n", task, l.Shard, l.Replica, s.name)
				lw.last = key
			}
			b.WriteString(s.text[from:])
			lw.open = !strings.HasSuffix(s.text, "\n")
			lw.sent[key] = len(s.text)
		}
		if l.Truncated && !lw.truncated[task] {
			lw.truncated[task] = true
			if lw.open {
				b.WriteByte('\n')
			}
			b.WriteString("[the output of " + task + " was truncated]\n")
			lw.last, lw.open = "", false
		}
	}
	return b.String()
}

// jobLogText is the text of all the job's logs so far, "" when the Backend
// has none to give.
func (h *Handler) jobLogText(ctx context.Context, id string) (string, bool) {
	src, ok := h.b.(LogSource)
	if !ok {
		return "", false
	}
	logs, err := src.JobLogs(ctx, id)
	if err != nil {
		h.log.Warn("job logs failed", "job", id, "err", err)
		return "", false
	}
	return newLogWriter().next(logs.Tasks), true
}

// jobLogEvents streams the job's log as Server-Sent Events: a "log" event
// with Reset and everything so far, then one with each new piece of
// output, and an "end" event once the job is terminal.
func (h *Handler) jobLogEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	src, ok := h.b.(LogSource)
	if !ok {
		h.renderError(w, r, http.StatusNotFound, "No logs", "This gateway does not keep the tasks' output.")
		return
	}
	j, ok := h.findJob(w, r, id)
	if !ok {
		return
	}
	ctx, cancel := h.streamCtx(r)
	defer cancel()
	rc := http.NewResponseController(w)
	startStream(w)
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", sseRetryMs); err != nil {
		return
	}
	lw := newLogWriter()
	reset := true
	after := j.Version
	for {
		logs, err := src.JobLogs(ctx, id)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			h.log.Warn("job log stream ended early", "job", id, "err", err)
			return
		}
		if text := lw.next(logs.Tasks); text != "" || reset {
			if err := sendEvent(w, rc, "log", logEvent{Reset: reset, Text: text}); err != nil {
				return
			}
			reset = false
		}
		if j.Phase.Terminal() {
			_ = sendEvent(w, rc, "end", jobEvent{ID: j.ID, Phase: j.Phase, Version: j.Version, Terminal: true})
			return
		}
		wctx, wcancel := context.WithTimeout(ctx, logPoll)
		next, err := h.b.WaitJob(wctx, id, after)
		wcancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			h.log.Warn("job log stream ended early", "job", id, "err", err)
			return
		}
		j, after = next, max(after, next.Version)
	}
}

// startStream sends the headers of an event stream.
func startStream(w http.ResponseWriter) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
}

// sendEvent writes one event of the given name with v as its JSON data,
// and flushes it.
func sendEvent(w http.ResponseWriter, rc *http.ResponseController, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data); err != nil {
		return err
	}
	return rc.Flush()
}
