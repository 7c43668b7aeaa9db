package gateway

import (
	"context"
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// AccountFrom returns the account that authenticated the request whose
// context is ctx (r.Context() in a handler), in the chain's canonical SS58
// form. It is false on a gateway without WithAuth and on a public route
// called without credentials.
func AccountFrom(ctx context.Context) (string, bool) {
	return auth.AccountFrom(ctx)
}

// mayView reports whether the caller may see an object owned by owner:
// anyone when the gateway does not authenticate, otherwise only the owner.
// Objects without an owner (made before authentication was on) are
// nobody's.
func (s *Server) mayView(ctx context.Context, owner string) bool {
	if s.auth == nil {
		return true
	}
	acct, ok := AccountFrom(ctx)
	return ok && owner != "" && owner == acct
}

// errJobNotFound is the one answer for a job that does not exist and for
// one the caller may not see, so that the two cannot be told apart.
func errJobNotFound(id string) error {
	return fmt.Errorf("job %s: %w", id, ErrNotFound)
}

// visibleJob returns the job id when the caller may see it.
func (s *Server) visibleJob(ctx context.Context, id string) (*api.Job, error) {
	j, err := s.b.GetJob(ctx, id)
	if errors.Is(err, ErrNotFound) || err == nil && !s.mayView(ctx, j.Owner) {
		return nil, errJobNotFound(id)
	}
	return j, err
}

// ownAccount refuses, with authentication on, a chain account other than
// the caller's: the wallet views show only the caller's own.
func (s *Server) ownAccount(ctx context.Context, addr string) error {
	if s.auth == nil {
		return nil
	}
	if acct, ok := AccountFrom(ctx); ok && acct == addr {
		return nil
	}
	return fmt.Errorf("account %s is not the one this request is authenticated as: %w", addr, ErrForbidden)
}
