package ui

import (
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// jobView is the content of a job's page.
type jobView struct {
	Job       *api.Job
	Outputs   []api.OutputFile
	OutputErr bool // the outputs could not be listed
	// Events is the path of the job's event stream while it can change.
	Events string
	// HasLogs is set when the Backend gave the tasks' output, Logs.
	HasLogs bool
	Logs    string
	// LogEvents is the path of the job's log stream while it can change.
	LogEvents string
}

// job shows one job.
func (h *Handler) job(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	j, ok := h.findJob(w, r, id)
	if !ok {
		return
	}
	v := jobView{Job: j}
	if !j.Phase.Terminal() {
		v.Events = jobURL(j.ID) + "/events"
	}
	v.Logs, v.HasLogs = h.jobLogText(r.Context(), j.ID)
	if v.HasLogs && !j.Phase.Terminal() {
		v.LogEvents = jobURL(j.ID) + "/logs"
	}
	var err error
	if v.Outputs, err = h.b.JobOutputs(r.Context(), j.ID); err != nil {
		h.log.Warn("job outputs failed", "job", j.ID, "err", err)
		v.OutputErr = true
	}
	title := "Job " + j.ID
	if j.Spec.Name != "" {
		title = j.Spec.Name + " (" + j.ID + ")"
	}
	h.render(w, r, http.StatusOK, "job", view{Title: title, Nav: "jobs", Data: v})
}

// findJob reads job id, or answers the request with a 404 page (an
// unknown job) or an error page and reports false.
func (h *Handler) findJob(w http.ResponseWriter, r *http.Request, id string) (*api.Job, bool) {
	j, err := h.b.GetJob(r.Context(), id)
	// Another account's job looks exactly like a missing one.
	if h.isNotFound(err) || err == nil && !h.mayView(r, j.Owner) {
		h.renderError(w, r, http.StatusNotFound, "Job not found",
			"There is no job "+strconv.Quote(id)+" on this gateway.")
		return nil, false
	}
	if err != nil {
		h.failBackend(w, r, "the job", err)
		return nil, false
	}
	return j, true
}
