package gateway

import (
	"context"
	"net/http"

	"github.com/opensky-network/opensky/internal/gateway/ui"
)

// historyOnServe starts the web UI's sampler of the network's figures
// (the dashboard's charts over time) with the first request Serve hands
// it, for as long as Serve runs: Serve's drain context ends when the
// server shuts down, and the sampler with it. A Handler used without
// Serve, as tests do, samples nothing.
func historyOnServe(h *ui.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if drain, ok := r.Context().Value(drainKey{}).(context.Context); ok {
			h.StartHistory(drain)
		}
		h.ServeHTTP(w, r)
	})
}
