package gateway

import (
	"context"
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
)

// watchJob streams the job record as NDJSON each time it changes, ending
// after a terminal phase, when the client goes away or when the server
// shuts down.
func (s *Server) watchJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.visibleJob(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	out := newNDJSON(w)
	err := s.eachChange(ctx, id, func(j *api.Job) error {
		return out.Send(j)
	})
	s.endStream(w, r, out, err)
}

// eachChange calls fn with the job record now and after every change,
// until the job is terminal (fn has seen the terminal record), fn fails or
// ctx ends. It returns nil in the first and last case.
func (s *Server) eachChange(ctx context.Context, id string, fn func(*api.Job) error) error {
	var after uint64
	for {
		j, err := s.b.WaitJob(ctx, id, after)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if after > 0 && j.Version <= after && !j.Phase.Terminal() {
			// WaitJob returns early only when the job changed or ctx ended.
			s.log.Warn("job wait returned without a change", "job", id, "version", j.Version)
			return nil
		}
		if err := fn(j); err != nil {
			return err
		}
		if j.Phase.Terminal() {
			return nil
		}
		after = j.Version
	}
}

// endStream reports err as an error response when nothing was streamed
// yet; once the stream started, the status is sent and the error can only
// be logged (the client sees the stream end before a terminal record).
func (s *Server) endStream(w http.ResponseWriter, r *http.Request, out *ndjson, err error) {
	if err == nil {
		return
	}
	if !out.Started() {
		s.fail(w, r, err)
		return
	}
	if r.Context().Err() == nil {
		s.log.Warn("stream ended early", "path", r.URL.Path, "err", err)
	}
}
