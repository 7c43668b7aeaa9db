package gateway

import (
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
)

// healthz answers liveness probes.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// node describes the gateway's own node.
func (s *Server) node(w http.ResponseWriter, r *http.Request) {
	n := s.b.Node(r.Context())
	if s.auth != nil {
		n.Auth = s.auth.info()
	}
	writeJSON(w, http.StatusOK, n)
}

// providers lists the providers the orchestrator knows.
func (s *Server) providers(w http.ResponseWriter, r *http.Request) {
	ps, err := s.b.Providers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ps == nil {
		ps = []api.Provider{}
	}
	writeJSON(w, http.StatusOK, ps)
}
