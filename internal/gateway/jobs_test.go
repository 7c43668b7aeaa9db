package gateway

import (
	"net/http"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestListJobs(t *testing.T) {
	b, _, ts := newTestGateway(t)
	_, data := do(t, "GET", ts.URL+"/api/v1/jobs", "", nil)
	if got := decode[[]api.Job](t, data); got == nil || len(got) != 0 {
		t.Fatalf("empty listing %s, want []", data)
	}
	b.addJob(api.PhaseRunning, 1)
	b.addJob(api.PhaseCompleted, 1)
	b.addJob(api.PhaseCompleted, 1)

	_, data = do(t, "GET", ts.URL+"/api/v1/jobs", "", nil)
	if got := decode[[]api.Job](t, data); len(got) != 3 {
		t.Fatalf("%d jobs, want 3", len(got))
	}
	_, data = do(t, "GET", ts.URL+"/api/v1/jobs?phase=completed", "", nil)
	got := decode[[]api.Job](t, data)
	if len(got) != 2 || got[0].Phase != api.PhaseCompleted {
		t.Fatalf("completed jobs %+v", got)
	}
	_, data = do(t, "GET", ts.URL+"/api/v1/jobs?phase=completed&limit=1", "", nil)
	if got := decode[[]api.Job](t, data); len(got) != 1 {
		t.Fatalf("%d jobs, want 1", len(got))
	}
}

func TestListJobsBadQuery(t *testing.T) {
	_, _, ts := newTestGateway(t)
	for _, q := range []string{"phase=done", "limit=-1", "limit=ten"} {
		resp, data := do(t, "GET", ts.URL+"/api/v1/jobs?"+q, "", nil)
		wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
}

func TestGetJob(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 2)
	resp, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+id, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if j := decode[api.Job](t, data); j.ID != id || len(j.Tasks) != 2 {
		t.Fatalf("job %+v", j)
	}
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/missing", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}

func TestCancelJob(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseRunning, 1)
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs/"+id+"/cancel?reason=changed+my+mind", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	if j := decode[api.Job](t, data); j.Phase != api.PhaseCancelled || j.Reason != "changed my mind" {
		t.Fatalf("job %+v", j)
	}
	resp, data = do(t, "POST", ts.URL+"/api/v1/jobs/"+id+"/cancel", "", nil)
	wantError(t, resp, data, http.StatusConflict, "conflict")
	resp, data = do(t, "POST", ts.URL+"/api/v1/jobs/missing/cancel", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}
