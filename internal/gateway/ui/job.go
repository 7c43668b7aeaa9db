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
	j, err := h.b.GetJob(r.Context(), id)
	if h.isNotFound(err) {
		h.renderError(w, r, http.StatusNotFound, "Job not found",
			"There is no job "+strconv.Quote(id)+" on this gateway.")
		return
	}
	if err != nil {
		h.failBackend(w, r, "the job", err)
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
