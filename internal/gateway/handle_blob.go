package gateway

import (
	"fmt"
	"net/http"
)

// putBlob stores the raw request body as a blob.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > s.maxBlob {
		s.fail(w, r, fmt.Errorf("blob of %d bytes is larger than the %d-byte limit: %w", r.ContentLength, s.maxBlob, ErrTooLarge))
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.maxBlob)
	b, err := s.b.PutBlob(r.Context(), body, s.maxBlob)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}
