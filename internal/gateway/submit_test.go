package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

var moduleRef = spec.BlobRef([]byte("\x00asm\x01\x00\x00\x00"))

var validSpecJSON = `{"apiVersion":"opensky/v1","engine":"wasm","module":"` + moduleRef + `","args":["hello"]}`

var validSpecYAML = `apiVersion: opensky/v1
engine: wasm
module: ` + moduleRef + `
args: [hello]
shards: 2
`

func TestSubmitJob(t *testing.T) {
	for name, body := range map[string]string{"json": validSpecJSON, "yaml": validSpecYAML} {
		t.Run(name, func(t *testing.T) {
			b, _, ts := newTestGateway(t)
			resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "", strings.NewReader(body))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("status %d: %s", resp.StatusCode, data)
			}
			j := decode[api.Job](t, data)
			if j.ID == "" || j.Phase != api.PhaseQueued {
				t.Fatalf("job %+v", j)
			}
			if got := resp.Header.Get("Location"); got != "/api/v1/jobs/"+j.ID {
				t.Errorf("Location %q", got)
			}
			if len(b.submitted) != 1 {
				t.Fatalf("backend got %d jobs", len(b.submitted))
			}
			s := b.submitted[0]
			// Defaults were applied before the backend saw the spec.
			if s.Kind != spec.KindJob || s.Replicas != 1 || s.Resources.Memory != spec.DefaultMemory || s.Resources.Timeout != spec.DefaultTimeout {
				t.Fatalf("spec not defaulted: %+v", s)
			}
			if s.Module != moduleRef || len(s.Args) != 1 || s.Args[0] != "hello" {
				t.Fatalf("spec %+v", s)
			}
		})
	}
}

func TestSubmitJobInvalidSpec(t *testing.T) {
	b, _, ts := newTestGateway(t)
	body := `{"apiVersion":"opensky/v0","engine":"wasm","module":"` + moduleRef + `"}`
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(body))
	e := wantError(t, resp, data, http.StatusBadRequest, "invalid_spec")
	if !hasDetail(e, "apiVersion") {
		t.Fatalf("details %+v do not name apiVersion", e.Details)
	}
	if len(b.submitted) != 0 {
		t.Fatal("an invalid spec reached the backend")
	}
}

func TestSubmitJobUnknownField(t *testing.T) {
	_, _, ts := newTestGateway(t)
	body := `{"apiVersion":"opensky/v1","engine":"wasm","module":"` + moduleRef + `","bogus":1}`
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(body))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
}

func TestSubmitJobMalformedBody(t *testing.T) {
	_, _, ts := newTestGateway(t)
	for _, body := range []string{"", "{", "[1,2]", "\x00\x01"} {
		resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(body))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: status %d: %s", body, resp.StatusCode, data)
		}
	}
}

func TestSubmitJobLocalReferences(t *testing.T) {
	b, _, ts := newTestGateway(t)
	body := `{"apiVersion":"opensky/v1","engine":"wasm","module":"./hello.wasm","inputs":[{"name":"a.txt","file":"a.txt"}]}`
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(body))
	e := wantError(t, resp, data, http.StatusBadRequest, "invalid_spec")
	if !hasDetail(e, "module") || !hasDetail(e, "inputs[0].file") {
		t.Fatalf("details %+v", e.Details)
	}
	if !strings.Contains(e.Hint, "/api/v1/blobs") {
		t.Fatalf("hint %q does not say how to upload", e.Hint)
	}
	if len(b.submitted) != 0 {
		t.Fatal("an unresolved spec reached the backend")
	}
}

func TestSubmitJobMissingBlob(t *testing.T) {
	b, _, ts := newTestGateway(t)
	b.submitErr = fmt.Errorf("%w: %w", ErrBlobNotFound, &spec.ValidationError{Problems: []spec.Problem{{Path: "module", Message: moduleRef + " was not uploaded"}}})
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(validSpecJSON))
	e := wantError(t, resp, data, http.StatusBadRequest, "invalid_spec")
	if !hasDetail(e, "module") || e.Hint == "" {
		t.Fatalf("error %+v", e)
	}
}

func TestSubmitJobTooLarge(t *testing.T) {
	_, _, ts := newTestGateway(t, WithMaxSpecBytes(64))
	big := validSpecJSON[:len(validSpecJSON)-1] + `,"name":"` + strings.Repeat("x", 100) + `"}`
	// With a Content-Length the gateway refuses before reading.
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", strings.NewReader(big))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	// Without one (chunked) it stops reading at the limit.
	resp, data = do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", io.MultiReader(strings.NewReader(big)))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
}

func TestSubmitJobDefaultLimitIsSpecLimit(t *testing.T) {
	_, _, ts := newTestGateway(t)
	big := strings.Repeat(" ", spec.MaxSpecBytes) + validSpecJSON
	resp, data := do(t, "POST", ts.URL+"/api/v1/jobs", "application/json", io.MultiReader(strings.NewReader(big)))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
}

func TestErrorResponseSpecTooLarge(t *testing.T) {
	status, body := errorResponse(fmt.Errorf("decode: %w", spec.ErrTooLarge))
	if status != http.StatusRequestEntityTooLarge || body.Code != "too_large" {
		t.Fatalf("got %d %+v", status, body)
	}
	status, _ = errorResponse(errors.New("boom"))
	if status != http.StatusInternalServerError {
		t.Fatalf("got %d", status)
	}
}

func hasDetail(e api.Error, path string) bool {
	for _, d := range e.Details {
		if d.Path == path && d.Message != "" {
			return true
		}
	}
	return false
}
