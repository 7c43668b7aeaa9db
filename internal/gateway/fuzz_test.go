package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzSubmitJob sends arbitrary bodies to POST /api/v1/jobs: none may
// produce a server error or a panic, and every refusal is a JSON error.
func FuzzSubmitJob(f *testing.F) {
	f.Add([]byte(validSpecJSON))
	f.Add([]byte(validSpecYAML))
	f.Add([]byte(`{"apiVersion":"opensky/v1","engine":"wasm","module":"./local.wasm"}`))
	f.Add([]byte("apiVersion: opensky/v1\nengine: docker\nimage: alpine\nresources: {memory: 1Gi, cpu: 250m}\n"))
	f.Add([]byte(`{"apiVersion":1e999}`))
	f.Add([]byte("a: &x [*x]"))
	f.Add([]byte{})

	s := New(newFakeBackend())
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/jobs", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		resp := rec.Result()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for body %q: %s", resp.StatusCode, body, data)
		}
		if resp.StatusCode != http.StatusCreated && resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d without a JSON error body", resp.StatusCode)
		}
	})
}
