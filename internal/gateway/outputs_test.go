package gateway

import (
	"net/http"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

func TestOutputs(t *testing.T) {
	b, _, ts := newTestGateway(t)
	id := b.addJob(api.PhaseCompleted, 2)
	b.outputs[id] = map[string][]byte{"0/result.txt": []byte("zero"), "1/dir/result.txt": []byte("one!")}

	_, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/outputs", "", nil)
	files := decode[[]api.OutputFile](t, data)
	if len(files) != 2 {
		t.Fatalf("files %+v", files)
	}

	resp, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/outputs/1/dir/result.txt", "", nil)
	if resp.StatusCode != http.StatusOK || string(data) != "one!" {
		t.Fatalf("status %d body %q", resp.StatusCode, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if cl := resp.Header.Get("Content-Length"); cl != "4" {
		t.Errorf("Content-Length %q", cl)
	}

	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/outputs/0/missing.txt", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/outputs/x/result.txt", "", nil)
	wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/"+id+"/outputs/0/a%2F..%2F..%2Fetc", "", nil)
	wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = do(t, "GET", ts.URL+"/api/v1/jobs/missing/outputs", "", nil)
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}
