package gateway

import (
	"log/slog"

	"github.com/opensky-network/opensky/internal/spec"
)

// DefaultMaxBlobBytes is the largest blob upload a Server accepts unless
// WithMaxBlobBytes says otherwise.
const DefaultMaxBlobBytes int64 = 64 << 20

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the logger for request failures and server events.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) {
		if l != nil {
			s.log = l
		}
	}
}

// WithMaxBlobBytes sets the largest blob upload, in bytes. Non-positive
// values keep the default (DefaultMaxBlobBytes).
func WithMaxBlobBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxBlob = n
		}
	}
}

// WithMaxSpecBytes sets the largest job spec body, in bytes. Non-positive
// values keep the default, spec.MaxSpecBytes; values above it are lowered
// to it, since the spec decoder refuses anything larger.
func WithMaxSpecBytes(n int64) Option {
	return func(s *Server) {
		if n > 0 {
			s.maxSpec = min(n, spec.MaxSpecBytes)
		}
	}
}

// WithChain serves the chain under /api/v1/chain.
func WithChain(c Chain) Option {
	return func(s *Server) { s.chain = c }
}
