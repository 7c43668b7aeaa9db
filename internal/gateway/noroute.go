package gateway

import (
	"net/http"
	"slices"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
)

// probeMethods are the methods tried to tell a wrong method (405) from an
// unknown path (404).
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// noRoute answers requests no route matched: 405 with an Allow header when
// the path exists under another method, otherwise 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range probeMethods {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) == 0 {
		writeError(w, http.StatusNotFound, api.Error{
			Code:    codeNotFound,
			Message: "no such endpoint: " + r.Method + " " + r.URL.Path,
			Hint:    "the API lives under /api/v1",
		})
		return
	}
	slices.Sort(allow)
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, http.StatusMethodNotAllowed, api.Error{
		Code:    codeMethodNotAllowed,
		Message: "method " + r.Method + " is not allowed on " + r.URL.Path,
		Hint:    "allowed: " + strings.Join(allow, ", "),
	})
}
