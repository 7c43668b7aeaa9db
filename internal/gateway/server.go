package gateway

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/opensky-network/opensky/internal/spec"
)

// Server serves the HTTP API over a Backend. It is safe for concurrent use.
type Server struct {
	b       Backend
	chain   Chain          // nil on a network without a chain
	storage Storage        // nil on a gateway without the storage network
	bridge  Bridge         // nil on a gateway without the Polkadot bridge
	auth    *authenticator // nil when requests are not authenticated (WithAuth)
	webUI   bool           // serve the web UI (WithUI)
	log     *slog.Logger
	maxBlob int64
	maxSpec int64

	reg     *prometheus.Registry
	metrics *metrics
	mux     *http.ServeMux
}

// New returns a Server for b.
func New(b Backend, opts ...Option) *Server {
	s := &Server{
		b:       b,
		log:     slog.New(slog.DiscardHandler),
		maxBlob: DefaultMaxBlobBytes,
		maxSpec: spec.MaxSpecBytes,
		reg:     prometheus.NewRegistry(),
		mux:     http.NewServeMux(),
	}
	for _, o := range opts {
		o(s)
	}
	s.metrics = newMetrics(s.reg)
	s.routes()
	return s
}

// Handler returns the HTTP handler of the API, the health check and the
// metrics endpoint.
func (s *Server) Handler() http.Handler {
	return s.mux
}

// Registry returns the Prometheus registry the Server's metrics live on;
// callers may register more collectors on it to have them served at
// /metrics.
func (s *Server) Registry() *prometheus.Registry {
	return s.reg
}
