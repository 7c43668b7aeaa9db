package gateway

import (
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// phases are the phases a listing may filter on.
var phases = map[api.Phase]bool{
	api.PhaseQueued: true, api.PhaseMatching: true, api.PhaseStaging: true, api.PhasePulling: true, api.PhaseRunning: true,
	api.PhaseVerifying: true, api.PhaseCompleted: true, api.PhaseFailed: true, api.PhaseCancelled: true, api.PhaseExpired: true,
}

// listJobs lists jobs, optionally filtered by ?phase= and bounded by
// ?limit=; with authentication, only the caller's.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	opts, err := listOptions(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.auth != nil {
		opts.Owner, _ = AccountFrom(r.Context())
	}
	jobs, err := s.b.ListJobs(r.Context(), opts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The Backend filters by owner; the filter is applied again here so
	// that no Backend can show one account another's jobs.
	out := make([]api.Job, 0, len(jobs))
	for _, j := range jobs {
		if s.mayView(r.Context(), j.Owner) {
			out = append(out, j)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listOptions parses the query of a job listing.
func listOptions(r *http.Request) (api.ListOptions, error) {
	q := r.URL.Query()
	var opts api.ListOptions
	if p := q.Get("phase"); p != "" {
		if !phases[api.Phase(p)] {
			return opts, &badRequest{
				msg:  "unknown phase " + strconv.Quote(p),
				hint: "use queued, matching, staging, running, verifying, completed, failed or cancelled",
			}
		}
		opts.Phase = api.Phase(p)
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return opts, badRequestf("limit must be a non-negative integer, not %q", l)
		}
		opts.Limit = n
	}
	return opts, nil
}

// getJob returns one job record.
func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	j, err := s.visibleJob(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// cancelJob cancels a job; ?reason= says why.
func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.visibleJob(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	j, err := s.b.CancelJob(r.Context(), id, r.URL.Query().Get("reason"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}
