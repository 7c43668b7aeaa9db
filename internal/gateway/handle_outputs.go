package gateway

import (
	"io"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// jobOutputs lists a job's collected output files.
func (s *Server) jobOutputs(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.visibleJob(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	files, err := s.b.JobOutputs(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if files == nil {
		files = []api.OutputFile{}
	}
	writeJSON(w, http.StatusOK, files)
}

// downloadOutput sends the bytes of one output file.
func (s *Server) downloadOutput(w http.ResponseWriter, r *http.Request) {
	shard, err := strconv.Atoi(r.PathValue("shard"))
	if err != nil || shard < 0 {
		s.fail(w, r, badRequestf("shard must be a non-negative integer, not %q", r.PathValue("shard")))
		return
	}
	p := r.PathValue("path")
	if !fs.ValidPath(p) || p == "." {
		s.fail(w, r, &badRequest{msg: "invalid output path " + strconv.Quote(p), hint: "use a path relative to the shard's outputs, as listed by GET /api/v1/jobs/{id}/outputs"})
		return
	}
	id := r.PathValue("id")
	if _, err := s.visibleJob(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	rc, size, err := s.b.OpenOutput(r.Context(), id, shard, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if _, err := io.CopyN(w, rc, size); err != nil && r.Context().Err() == nil {
		s.log.Warn("output download cut short", "path", r.URL.Path, "err", err)
	}
}
