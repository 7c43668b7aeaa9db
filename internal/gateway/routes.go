package gateway

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes registers every endpoint. The pattern doubles as the route label
// of the request metrics.
func (s *Server) routes() {
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}).ServeHTTP)

	s.handle("GET /api/v1/openapi.json", s.openAPIDoc)
	s.handle("GET /api/v1/node", s.node)
	s.handle("GET /api/v1/providers", s.providers)
	s.handle("POST /api/v1/blobs", s.putBlob)

	s.handle("POST /api/v1/jobs", s.submitJob)
	s.handle("GET /api/v1/jobs", s.listJobs)
	s.handle("GET /api/v1/jobs/{id}", s.getJob)
	s.handle("POST /api/v1/jobs/{id}/cancel", s.cancelJob)
	s.handle("GET /api/v1/jobs/{id}/watch", s.watchJob)
	s.handle("GET /api/v1/jobs/{id}/logs", s.jobLogs)
	s.handle("GET /api/v1/jobs/{id}/outputs", s.jobOutputs)
	s.handle("GET /api/v1/jobs/{id}/outputs/{shard}/{path...}", s.downloadOutput)

	s.chainRoutes()
	s.storageRoutes()
	s.bridgeRoutes()
	s.tokenRoutes()

	s.mux.Handle("/", s.unmatched())
}

// handle registers h under pattern with metrics and panic recovery and,
// with WithAuth, behind authentication and rate limiting: every route
// registered here gets them, and its handler finds the caller with
// AccountFrom.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	var hh http.Handler = h
	if s.auth != nil {
		hh = s.auth.wrap(pattern, hh)
	}
	s.mux.Handle(pattern, s.instrument(pattern, hh))
}
