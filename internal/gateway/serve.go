package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the HTTP server. There is no write timeout: watch and log
// streams last as long as the job.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 10 * time.Second
	maxHeaderBytes    = 64 << 10
)

// Serve serves the API on ln until ctx ends, then shuts down gracefully:
// open streams end, in-flight requests get a few seconds to finish. It
// returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	drain, stopStreams := context.WithCancel(context.Background())
	defer stopStreams()
	base := context.WithValue(context.WithoutCancel(ctx), drainKey{}, drain)
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	srv.RegisterOnShutdown(stopStreams)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("gateway listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("gateway: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		s.log.Warn("gateway serve ended", "err", serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("gateway: shutdown: %w", err)
	}
	s.log.Info("gateway stopped")
	return nil
}
