package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
)

// fakeStorage records what the storage routes hand it.
type fakeStorage struct {
	put       api.StoragePut
	putBody   []byte
	content   []byte
	failAfter int // GetObject fails after writing this many bytes (-1: never)
	key       [32]byte
	recipient [32]byte
}

var errFakeShards = fmt.Errorf("need 2 of 3 shards, 1 usable: %w", ErrUnavailable)

func (f *fakeStorage) PutObject(_ context.Context, owner string, p api.StoragePut, r io.Reader) (*api.StoredObject, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	f.put, f.putBody = p, b
	return &api.StoredObject{CID: "bafkfake", Size: p.Size, CipherLen: int64(len(b))}, nil
}
func (f *fakeStorage) Objects(context.Context, string) ([]api.StoredObject, error) { return nil, nil }
func (f *fakeStorage) Object(_ context.Context, cid, _ string) (*api.StoredObject, error) {
	if cid != "bafkfake" {
		return nil, fmt.Errorf("object %s: %w", cid, ErrNotFound)
	}
	return &api.StoredObject{CID: cid, CipherLen: int64(len(f.content))}, nil
}
func (f *fakeStorage) GetObject(_ context.Context, _, _ string, w io.Writer) error {
	if f.failAfter >= 0 {
		w.Write(f.content[:f.failAfter])
		return errFakeShards
	}
	_, err := w.Write(f.content)
	return err
}
func (f *fakeStorage) DeleteObject(context.Context, string, string) error { return nil }
func (f *fakeStorage) AuditObject(context.Context, string, string) ([]api.AuditResult, error) {
	return []api.AuditResult{{Index: 0, Passed: true}}, nil
}
func (f *fakeStorage) RepairObject(context.Context, string, string) (api.RepairReport, error) {
	return api.RepairReport{Live: 3}, nil
}
func (f *fakeStorage) Quote(_ context.Context, size int64, red string, d time.Duration) (api.StorageQuote, error) {
	return api.StorageQuote{Size: size, Redundancy: red}, nil
}
func (f *fakeStorage) ObjectBlob(_ context.Context, _, _ string, key [32]byte, _ int64) (api.Blob, error) {
	f.key = key
	return api.Blob{Hash: "sha256:" + strings.Repeat("0", 64)}, nil
}
func (f *fakeStorage) PublishJob(_ context.Context, _ string, to [32]byte, j *api.Job) (*api.StoredObject, error) {
	f.recipient = to
	return &api.StoredObject{CID: "bafkpublished", Name: "job-" + j.ID + "/"}, nil
}

func TestStorageRoutesWithoutStorage(t *testing.T) {
	_, _, ts := newTestGateway(t)
	resp, data := do(t, http.MethodGet, ts.URL+"/api/v1/storage", "", nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)
}

func TestStoragePutChecksItsParameters(t *testing.T) {
	st := &fakeStorage{failAfter: -1}
	_, _, ts := newTestGateway(t, WithStorage(st))
	key := base64.RawURLEncoding.EncodeToString(make([]byte, 80))
	for _, q := range []string{"", "size=-1&key=" + key, "size=10", "size=10&key=!!", "size=10&key=" + key + "&duration=soon"} {
		resp, data := do(t, http.MethodPost, ts.URL+"/api/v1/storage?"+q, "application/octet-stream", strings.NewReader("x"))
		wantError(t, resp, data, http.StatusBadRequest, codeBadRequest)
	}
	// A body longer than the ciphertext of the declared size is cut off.
	resp, data := do(t, http.MethodPost, ts.URL+"/api/v1/storage?size=10&key="+key, "application/octet-stream",
		bytes.NewReader(make([]byte, 1000)))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, codeTooLarge)

	resp, data = do(t, http.MethodPost, ts.URL+"/api/v1/storage?size=10&key="+key+"&name=a.txt&redundancy=3%2B2&duration=48h",
		"application/octet-stream", bytes.NewReader(make([]byte, 26)))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("put: %d %s", resp.StatusCode, data)
	}
	if st.put.Size != 10 || st.put.Name != "a.txt" || st.put.Redundancy != "3+2" || st.put.Duration != 48*time.Hour ||
		len(st.put.WrappedKey) != 80 || len(st.putBody) != 26 {
		t.Fatalf("the storage got %+v with %d bytes", st.put, len(st.putBody))
	}
}

func TestStorageContentErrorsBeforeAndAfterTheFirstByte(t *testing.T) {
	st := &fakeStorage{content: bytes.Repeat([]byte("c"), 4096), failAfter: 0}
	_, _, ts := newTestGateway(t, WithStorage(st))
	resp, data := do(t, http.MethodGet, ts.URL+"/api/v1/storage/bafkfake/content", "", nil)
	wantError(t, resp, data, http.StatusServiceUnavailable, codeUnavailable)

	resp, data = do(t, http.MethodGet, ts.URL+"/api/v1/storage/nothere/content", "", nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)

	st.failAfter = -1
	resp, data = do(t, http.MethodGet, ts.URL+"/api/v1/storage/bafkfake/content", "", nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(data, st.content) || resp.ContentLength != 4096 {
		t.Fatalf("content: %d, %d bytes of %d", resp.StatusCode, len(data), resp.ContentLength)
	}

	// A read that breaks off after the headers is cut short: the client
	// gets fewer bytes than Content-Length, never a clean end.
	st.failAfter = 100
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/api/v1/storage/bafkfake/content", nil)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return // cut before the headers reached the client: no body either
	}
	got, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err == nil || int64(len(got)) >= r.ContentLength {
		t.Fatalf("a broken read gave %d of %d bytes and err %v", len(got), r.ContentLength, err)
	}
}

func TestObjectBlobTakesAKey(t *testing.T) {
	st := &fakeStorage{failAfter: -1}
	_, _, ts := newTestGateway(t, WithStorage(st))
	for _, body := range []string{"", "{}", `{"key":"short"}`, `{"key":"` + base64.RawURLEncoding.EncodeToString(make([]byte, 31)) + `"}`, `{"key":"x","more":1}`} {
		resp, data := do(t, http.MethodPost, ts.URL+"/api/v1/storage/bafkfake/blob", "application/json", strings.NewReader(body))
		wantError(t, resp, data, http.StatusBadRequest, codeBadRequest)
	}
	var key [32]byte
	key[0], key[31] = 7, 9
	resp, data := do(t, http.MethodPost, ts.URL+"/api/v1/storage/bafkfake/blob", "application/json",
		strings.NewReader(`{"key":"`+base64.RawURLEncoding.EncodeToString(key[:])+`"}`))
	if resp.StatusCode != http.StatusCreated || st.key != key {
		t.Fatalf("blob: %d %s, key %x", resp.StatusCode, data, st.key)
	}
}

func TestPublishNeedsACompletedJobAndARecipient(t *testing.T) {
	st := &fakeStorage{failAfter: -1}
	b, _, ts := newTestGateway(t, WithStorage(st))
	running := b.addJob(api.PhaseRunning, 1)
	resp, data := do(t, http.MethodPost, ts.URL+"/api/v1/jobs/"+running+"/publish", "", nil)
	wantError(t, resp, data, http.StatusConflict, codeConflict)

	done := b.addJob(api.PhaseCompleted, 1)
	resp, data = do(t, http.MethodPost, ts.URL+"/api/v1/jobs/"+done+"/publish", "", nil)
	wantError(t, resp, data, http.StatusBadRequest, codeBadRequest)

	alice, err := identity.AccountFromURI("//Alice")
	if err != nil {
		t.Fatal(err)
	}
	resp, data = do(t, http.MethodPost, ts.URL+"/api/v1/jobs/"+done+"/publish?to="+alice.Address(), "", nil)
	if resp.StatusCode != http.StatusCreated || st.recipient != alice.PublicKey() {
		t.Fatalf("publish: %d %s", resp.StatusCode, data)
	}
	resp, data = do(t, http.MethodPost, ts.URL+"/api/v1/jobs/nope/publish?to="+alice.Address(), "", nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)
}
