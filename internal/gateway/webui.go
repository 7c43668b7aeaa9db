package gateway

import (
	"net/http"
	"strings"

	"github.com/opensky-network/opensky/internal/gateway/ui"
)

// uiRoute is the metrics route label of the web UI's pages.
const uiRoute = "ui"

// A Backend takes jobs and has logs for the web UI's submit and job pages.
var (
	_ ui.Submitter = Backend(nil)
	_ ui.LogSource = Backend(nil)
)

// WithUI serves the web UI (package ui) at every path outside /api/,
// /healthz and /metrics, over the Server's Backend and Chain.
func WithUI() Option {
	return func(s *Server) { s.webUI = true }
}

// unmatched is the handler of the paths no API route matched: the web UI
// when it is on, and the API's JSON 404/405 for the API's own paths.
func (s *Server) unmatched() http.Handler {
	api := s.instrument(unmatchedRoute, http.HandlerFunc(s.noRoute))
	if !s.webUI {
		return api
	}
	opts := []ui.Option{
		ui.WithLogger(s.log.With("component", "ui")),
		ui.WithNotFound(ErrNotFound),
		ui.WithPaymentRequired(ErrPaymentRequired),
		ui.WithMaxModule(min(ui.DefaultMaxModule, s.maxBlob)),
		ui.WithStreamContext(streamContext),
	}
	if s.chain != nil {
		opts = append(opts, ui.WithChain(s.chain))
	}
	pages := s.instrument(uiRoute, ui.New(s.b, opts...))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	})
}

// isAPIPath reports whether p belongs to the API rather than the UI.
func isAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/metrics"
}
