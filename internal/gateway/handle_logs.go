package gateway

import (
	"context"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// jobLogs returns the captured output of a job's finished tasks; with
// ?follow=true it streams each task's log as NDJSON when the task finishes,
// until the job is terminal.
func (s *Server) jobLogs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	follow := false
	if f := r.URL.Query().Get("follow"); f != "" {
		v, err := strconv.ParseBool(f)
		if err != nil {
			s.fail(w, r, badRequestf("follow must be true or false, not %q", f))
			return
		}
		follow = v
	}
	if !follow {
		logs, err := s.b.JobLogs(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if logs.Tasks == nil {
			logs.Tasks = []api.TaskLog{}
		}
		writeJSON(w, http.StatusOK, logs)
		return
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	out := newNDJSON(w)
	err := s.followLogs(ctx, id, out)
	s.endStream(w, r, out, err)
}

// followLogs sends every task log not sent yet each time the job changes.
// The stream starts right away (even before any task finished) so that
// the client knows the job exists.
func (s *Server) followLogs(ctx context.Context, id string, out *ndjson) error {
	sent := make(map[string]bool)
	return s.eachChange(ctx, id, func(j *api.Job) error {
		logs, err := s.b.JobLogs(ctx, id)
		if err != nil {
			return err
		}
		if err := out.Start(); err != nil {
			return err
		}
		for _, l := range logs.Tasks {
			key := l.TaskID
			if key == "" {
				key = strconv.Itoa(l.Shard) + "/" + strconv.Itoa(l.Replica)
			}
			if sent[key] {
				continue
			}
			if err := out.Send(l); err != nil {
				return err
			}
			sent[key] = true
		}
		return nil
	})
}
