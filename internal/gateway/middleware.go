package gateway

import (
	"io"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"
)

// instrument wraps h with request metrics under the route label name and
// turns a panic into a logged 500.
func (s *Server) instrument(name string, h http.Handler) http.Handler {
	rm := s.metrics.forRoute(name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		rm.inflight.Inc()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "route", name, "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				if !sw.wrote {
					writeError(sw, http.StatusInternalServerError, internalBody)
				}
			}
			rm.inflight.Dec()
			rm.duration.Observe(time.Since(start).Seconds())
			rm.requests.WithLabelValues(statusLabel(sw.status)).Inc()
		}()
		h.ServeHTTP(sw, r)
	})
}

// statusLabel returns the code label of a status; a handler that wrote
// nothing answered 200.
func statusLabel(status int) string {
	switch status {
	case 0, http.StatusOK:
		return "200"
	case http.StatusCreated:
		return "201"
	case http.StatusNotFound:
		return "404"
	}
	return strconv.Itoa(status)
}

// statusWriter records the status code a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader records the first final status and forwards it.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes, implying 200 when no status was sent.
func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(p)
}

// Flush sends buffered data to the client.
func (w *statusWriter) Flush() {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// ReadFrom copies r to the client, keeping the underlying writer's fast
// path (sendfile) for output downloads.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return io.Copy(w.ResponseWriter, r)
}

// Unwrap returns the underlying writer for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}
