package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
)

// jobEvent is the data of one "job" event of a job's stream.
type jobEvent struct {
	ID       string    `json:"id"`
	Phase    api.Phase `json:"phase"`
	Version  uint64    `json:"version"`
	Terminal bool      `json:"terminal"`
}

// sseRetryMs is how long a browser waits before reconnecting a broken
// stream.
const sseRetryMs = 3000

// jobEvents streams the job's phase and version as Server-Sent Events: one
// "job" event now and one after every change, ending after a terminal
// phase. The event ID is the version, so a reconnecting browser (which
// sends Last-Event-ID) only hears of newer changes.
func (h *Handler) jobEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var after uint64
	if last := strings.TrimSpace(r.Header.Get("Last-Event-ID")); last != "" {
		if v, err := strconv.ParseUint(last, 10, 64); err == nil {
			after = v
		}
	}
	// Look the job up before the stream starts, so that an unknown job is
	// a proper 404.
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
	if err := rc.Flush(); err != nil {
		return
	}
	for {
		if j.Version > after || j.Phase.Terminal() {
			if err := sendJobEvent(w, rc, j); err != nil {
				return
			}
			if j.Phase.Terminal() {
				return
			}
			after = j.Version
		}
		var err error
		j, err = h.b.WaitJob(ctx, id, after)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			h.log.Warn("job event stream ended early", "job", id, "err", err)
			return
		}
		if j.Version <= after && !j.Phase.Terminal() {
			// WaitJob returns early only when the job changed or ctx ended.
			h.log.Warn("job wait returned without a change", "job", id, "version", j.Version)
			return
		}
	}
}

// sendJobEvent writes one "job" event and flushes it.
func sendJobEvent(w http.ResponseWriter, rc *http.ResponseController, j *api.Job) error {
	data, err := json.Marshal(jobEvent{ID: j.ID, Phase: j.Phase, Version: j.Version, Terminal: j.Phase.Terminal()})
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "id: %d\nevent: job\ndata: %s\n\n", j.Version, data); err != nil {
		return err
	}
	return rc.Flush()
}
