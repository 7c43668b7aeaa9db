package gateway

import (
	"context"
	"encoding/json"
	"net/http"
)

// drainKey is the context key under which Serve stores a context that ends
// when the server starts shutting down, so that streams end and let the
// shutdown complete.
type drainKey struct{}

// streamContext returns the context of a streaming response: it ends when
// the client goes away or the server shuts down.
func streamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	drain, ok := r.Context().Value(drainKey{}).(context.Context)
	if !ok {
		return ctx, cancel
	}
	stop := context.AfterFunc(drain, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// ndjson writes a stream of JSON values, one per line, flushing each.
type ndjson struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

// newNDJSON returns a stream writer on w. Nothing is sent before the first
// Send, so an error found before it can still get a proper status.
func newNDJSON(w http.ResponseWriter) *ndjson {
	return &ndjson{w: w, rc: http.NewResponseController(w)}
}

// Send writes v as one line and flushes it to the client.
func (n *ndjson) Send(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	n.start()
	if _, err := n.w.Write(append(data, '\n')); err != nil {
		return err
	}
	return n.rc.Flush()
}

// Start sends the status and headers of the stream, if not sent yet, and
// flushes them to the client.
func (n *ndjson) Start() error {
	if n.started {
		return nil
	}
	n.start()
	return n.rc.Flush()
}

// start writes the status and headers once.
func (n *ndjson) start() {
	if n.started {
		return
	}
	h := n.w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	n.w.WriteHeader(http.StatusOK)
	n.started = true
}

// Started reports whether the response status was sent.
func (n *ndjson) Started() bool {
	return n.started
}
