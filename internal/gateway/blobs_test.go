package gateway

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

func TestPutBlob(t *testing.T) {
	b, _, ts := newTestGateway(t)
	resp, data := do(t, "POST", ts.URL+"/api/v1/blobs", "application/octet-stream", strings.NewReader("hello blob"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	got := decode[api.Blob](t, data)
	if got.Hash != spec.BlobRef([]byte("hello blob")) || got.Size != 10 {
		t.Fatalf("blob %+v", got)
	}
	if string(b.blobs[got.Hash]) != "hello blob" {
		t.Fatal("backend did not store the blob")
	}
}

func TestPutBlobTooLarge(t *testing.T) {
	b, _, ts := newTestGateway(t, WithMaxBlobBytes(8))
	body := "123456789"
	resp, data := do(t, "POST", ts.URL+"/api/v1/blobs", "", strings.NewReader(body))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	// Chunked: no Content-Length, the limit is enforced while reading.
	resp, data = do(t, "POST", ts.URL+"/api/v1/blobs", "", io.MultiReader(strings.NewReader(body)))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	if len(b.blobs) != 0 {
		t.Fatal("an oversized blob was stored")
	}
	// Exactly at the limit is fine.
	resp, data = do(t, "POST", ts.URL+"/api/v1/blobs", "", io.MultiReader(strings.NewReader(body[:8])))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
}
