package gateway

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// jobLogs returns the captured output of a job's finished tasks; with
// ?follow=true it streams each task's log as NDJSON when the task finishes,
// until the job is terminal.
func (s *Server) jobLogs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.visibleJob(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
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

// followPoll is how often a follower looks for new output of running
// tasks between changes of the job.
const followPoll = 250 * time.Millisecond

// followLogs streams the output of a job's tasks as it is written: each
// NDJSON line is a TaskLog holding what a task wrote since the previous line
// about it (Partial while the task runs, not Partial once with its final
// output), until the job is terminal. The stream starts right away so that
// the client knows the job exists.
func (s *Server) followLogs(ctx context.Context, id string, out *ndjson) error {
	type position struct {
		stdout, stderr int
		done           bool
	}
	sent := make(map[string]*position)
	var after uint64
	for {
		wctx, cancel := context.WithTimeout(ctx, followPoll)
		j, err := s.b.WaitJob(wctx, id, after)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		after = j.Version
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
			p := sent[key]
			if p == nil {
				p = &position{}
				sent[key] = p
			}
			if p.done {
				continue
			}
			delta := l
			delta.Stdout, delta.Stderr = suffix(l.Stdout, p.stdout), suffix(l.Stderr, p.stderr)
			if delta.Stdout != "" || delta.Stderr != "" || !l.Partial {
				if err := out.Send(delta); err != nil {
					return err
				}
			}
			p.stdout, p.stderr = max(p.stdout, len(l.Stdout)), max(p.stderr, len(l.Stderr))
			p.done = !l.Partial
		}
		if j.Phase.Terminal() {
			return nil
		}
	}
}

// suffix is s from byte from on, or "" when s is not longer.
func suffix(s string, from int) string {
	if from >= len(s) {
		return ""
	}
	return s[from:]
}
