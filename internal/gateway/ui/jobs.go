package ui

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// maxListedJobs bounds the jobs list page.
const maxListedJobs = 500

// jobsView is the content of the jobs list.
type jobsView struct {
	Phase  api.Phase // the filter, empty for every phase
	Phases []api.Phase
	Jobs   []api.Job
	Capped bool // the list stops at maxListedJobs
}

// jobs lists jobs, optionally of one phase (?phase=).
func (h *Handler) jobs(w http.ResponseWriter, r *http.Request) {
	phase := api.Phase(r.URL.Query().Get("phase"))
	if phase != "" && !knownPhase(phase) {
		h.renderError(w, r, http.StatusBadRequest, "Unknown phase",
			"There is no phase called "+strconv.Quote(string(phase))+"; pick one from the list on the jobs page.")
		return
	}
	jobs, err := h.b.ListJobs(r.Context(), api.ListOptions{Phase: phase, Limit: maxListedJobs, Owner: h.listOwner(r)})
	if err != nil {
		h.failBackend(w, r, "the jobs", err)
		return
	}
	jobs = h.visible(r, jobs)
	// Newest first.
	slices.SortStableFunc(jobs, func(a, b api.Job) int { return b.CreatedAt.Compare(a.CreatedAt) })
	h.render(w, r, http.StatusOK, "jobs", view{Title: "Jobs", Nav: "jobs", Data: jobsView{
		Phase: phase, Phases: phases, Jobs: jobs, Capped: len(jobs) >= maxListedJobs,
	}})
}

// visible keeps the jobs the visitor may see.
func (h *Handler) visible(r *http.Request, jobs []api.Job) []api.Job {
	out := jobs[:0]
	for _, j := range jobs {
		if h.mayView(r, j.Owner) {
			out = append(out, j)
		}
	}
	return out
}
