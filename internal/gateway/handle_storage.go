package gateway

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
)

// errNoStorage answers every storage route on a gateway without one.
var errNoStorage = fmt.Errorf("this gateway does not run the storage network: %w", ErrNotFound)

// maxCIDLen bounds a path parameter naming an object.
const maxCIDLen = 128

// storageRoutes registers the routes under /api/v1/storage.
func (s *Server) storageRoutes() {
	s.handle("POST /api/v1/storage", s.putObject)
	s.handle("GET /api/v1/storage", s.listObjects)
	s.handle("GET /api/v1/storage/quote", s.storageQuote)
	s.handle("GET /api/v1/storage/{cid}", s.getObject)
	s.handle("GET /api/v1/storage/{cid}/content", s.objectContent)
	s.handle("DELETE /api/v1/storage/{cid}", s.deleteObject)
	s.handle("POST /api/v1/storage/{cid}/audit", s.auditObject)
	s.handle("POST /api/v1/storage/{cid}/repair", s.repairObject)
	s.handle("POST /api/v1/storage/{cid}/blob", s.objectBlob)
	s.handle("POST /api/v1/jobs/{id}/publish", s.publishJob)
}

// storageOwner is the account the request acts for.
func storageOwner(r *http.Request) string {
	acct, _ := AccountFrom(r.Context())
	return acct
}

// objectTarget starts every handler of one object: the gateway must run
// the storage network, and {cid} must be a plausible CID. On false the
// error has been written.
func (s *Server) objectTarget(w http.ResponseWriter, r *http.Request) (string, bool) {
	if !s.hasStorage(w, r) {
		return "", false
	}
	cid, err := cidParam(r)
	if err != nil {
		s.fail(w, r, err)
		return "", false
	}
	return cid, true
}

// hasStorage writes the answer of a gateway without the storage network.
func (s *Server) hasStorage(w http.ResponseWriter, r *http.Request) bool {
	if s.storage == nil {
		s.fail(w, r, errNoStorage)
		return false
	}
	return true
}

// cidParam reads and bounds the {cid} path parameter.
func cidParam(r *http.Request) (string, error) {
	cid := r.PathValue("cid")
	if cid == "" || len(cid) > maxCIDLen || strings.ContainsAny(cid, "/\\ ") {
		return "", badRequestf("%q is not an object CID", cid)
	}
	return cid, nil
}

func (s *Server) putObject(w http.ResponseWriter, r *http.Request) {
	if !s.hasStorage(w, r) {
		return
	}
	p, err := storagePutParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The body is exactly the ciphertext the size implies; anything
	// longer is refused by the storage network, and this bounds it.
	r.Body = http.MaxBytesReader(w, r.Body, cipherBound(p.Size))
	o, err := s.storage.PutObject(r.Context(), storageOwner(r), p, r.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

// cipherBound is an upper bound on the ciphertext of size plaintext
// bytes (16 bytes of tag per MiB chunk, and one more chunk).
func cipherBound(size int64) int64 { return size + (size>>20+2)*16 + 1 }

// maxStorageBytes bounds ?size= (1 TiB).
const maxStorageBytes = 1 << 40

func storagePutParams(r *http.Request) (api.StoragePut, error) {
	q := r.URL.Query()
	var p api.StoragePut
	size, err := strconv.ParseInt(q.Get("size"), 10, 64)
	if err != nil || size < 0 || size > maxStorageBytes {
		return p, &badRequest{msg: fmt.Sprintf("size=%q: want the plaintext's byte count, 0 to %d", q.Get("size"), int64(maxStorageBytes)),
			hint: "opensky storage put FILE encrypts and uploads a file"}
	}
	p.Size = size
	key, err := decodeKey(q.Get("key"))
	if err != nil {
		return p, err
	}
	p.WrappedKey = key
	p.Name, p.Redundancy, p.Deal, p.CID = q.Get("name"), q.Get("redundancy"), q.Get("deal"), q.Get("cid")
	if d := q.Get("duration"); d != "" {
		if p.Duration, err = time.ParseDuration(d); err != nil || p.Duration < 0 {
			return p, badRequestf("duration=%q: want a duration such as 720h", d)
		}
	}
	return p, nil
}

func (s *Server) listObjects(w http.ResponseWriter, r *http.Request) {
	if !s.hasStorage(w, r) {
		return
	}
	out, err := s.storage.Objects(r.Context(), storageOwner(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if out == nil {
		out = []api.StoredObject{}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getObject(w http.ResponseWriter, r *http.Request) {
	s.withObject(w, r, func(cid, owner string) (any, error) {
		return s.storage.Object(r.Context(), cid, owner)
	})
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.objectTarget(w, r)
	if !ok {
		return
	}
	if err := s.storage.DeleteObject(r.Context(), cid, storageOwner(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) auditObject(w http.ResponseWriter, r *http.Request) {
	s.withObject(w, r, func(cid, owner string) (any, error) {
		return s.storage.AuditObject(r.Context(), cid, owner)
	})
}

func (s *Server) repairObject(w http.ResponseWriter, r *http.Request) {
	s.withObject(w, r, func(cid, owner string) (any, error) {
		return s.storage.RepairObject(r.Context(), cid, owner)
	})
}

// withObject runs fn for the {cid} of the request and writes its result.
func (s *Server) withObject(w http.ResponseWriter, r *http.Request, fn func(cid, owner string) (any, error)) {
	cid, ok := s.objectTarget(w, r)
	if !ok {
		return
	}
	v, err := fn(cid, storageOwner(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// objectContent streams an object's ciphertext. Headers go out only with
// the first verified byte, so a read that cannot start (too few shards)
// still gets a JSON error; one that breaks off later is cut short, and
// the client sees fewer bytes than Content-Length.
func (s *Server) objectContent(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.objectTarget(w, r)
	if !ok {
		return
	}
	owner := storageOwner(r)
	o, err := s.storage.Object(r.Context(), cid, owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lw := &lazyWriter{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.FormatInt(o.CipherLen, 10))
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}}
	err = s.storage.GetObject(r.Context(), cid, owner, lw)
	switch {
	case err == nil && !lw.started:
		lw.start()
	case err != nil && !lw.started:
		s.fail(w, r, err)
	case err != nil:
		s.log.Warn("object read broke off", "cid", cid, "written", lw.n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// lazyWriter sends the response headers with the first byte.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
	n       int64
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if !l.started {
		l.started = true
		l.start()
	}
	n, err := l.w.Write(p)
	l.n += int64(n)
	return n, err
}

func (s *Server) storageQuote(w http.ResponseWriter, r *http.Request) {
	if !s.hasStorage(w, r) {
		return
	}
	q := r.URL.Query()
	size, err := strconv.ParseInt(q.Get("size"), 10, 64)
	if err != nil || size < 0 || size > maxStorageBytes {
		s.fail(w, r, badRequestf("size=%q: want a byte count, 0 to %d", q.Get("size"), int64(maxStorageBytes)))
		return
	}
	var d time.Duration
	if v := q.Get("duration"); v != "" {
		if d, err = time.ParseDuration(v); err != nil || d < 0 {
			s.fail(w, r, badRequestf("duration=%q: want a duration such as 720h", v))
			return
		}
	}
	out, err := s.storage.Quote(r.Context(), size, q.Get("redundancy"), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// decodeKey reads ?key=, the object key wrapped to the owner's account,
// in unpadded base64url.
func decodeKey(s string) ([]byte, error) {
	if s == "" || len(s) > 512 {
		return nil, &badRequest{msg: "key: want the wrapped object key in unpadded base64url",
			hint: "opensky storage put encrypts the file and wraps its key to your account"}
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, badRequestf("key: not unpadded base64url: %v", err)
	}
	return b, nil
}

// maxKeyBody bounds the body of POST /api/v1/storage/{cid}/blob.
const maxKeyBody = 1 << 10

// objectBlob opens a stored object into the blob store for a job's input:
// the body carries the object's key, {"key": "<unpadded base64url>"}.
func (s *Server) objectBlob(w http.ResponseWriter, r *http.Request) {
	cid, ok := s.objectTarget(w, r)
	if !ok {
		return
	}
	var body struct {
		Key string `json:"key"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxKeyBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		s.fail(w, r, badRequestf("want {\"key\": the object's key in unpadded base64url}: %v", err))
		return
	}
	raw, err := base64.RawURLEncoding.DecodeString(body.Key)
	if err != nil || len(raw) != 32 {
		s.fail(w, r, badRequestf("key: want 32 bytes in unpadded base64url"))
		return
	}
	blob, err := s.storage.ObjectBlob(r.Context(), cid, storageOwner(r), [32]byte(raw), s.maxBlob)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, blob)
}

// publishJob stores a completed job's outputs as one object, sealed to
// ?to= (an account address; default the caller's).
func (s *Server) publishJob(w http.ResponseWriter, r *http.Request) {
	if !s.hasStorage(w, r) {
		return
	}
	id := r.PathValue("id")
	j, err := s.visibleJob(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if j.Phase != api.PhaseCompleted {
		s.fail(w, r, fmt.Errorf("job %s is %s: only a completed job's outputs can be published: %w", id, j.Phase, ErrConflict))
		return
	}
	to := r.URL.Query().Get("to")
	if to == "" {
		to = storageOwner(r)
	}
	if to == "" {
		s.fail(w, r, &badRequest{msg: "to: name the account whose key seals the outputs", hint: "pass ?to=<your address>; with authentication it defaults to yours"})
		return
	}
	pub, err := identity.ParseAddress(to)
	if err != nil {
		s.fail(w, r, badRequestf("to: %v", err))
		return
	}
	o, err := s.storage.PublishJob(r.Context(), storageOwner(r), pub, j)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}
