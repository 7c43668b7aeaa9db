package gateway

import (
	"context"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// ChainHeaders is what a Chain may also serve: block headers, which let
// a client check the chain of block hashes itself (opensky chain
// verify-anchor does).
type ChainHeaders interface {
	// Headers returns the blocks from..to, inclusive; ErrNotFound when
	// the chain has no block at one of them yet.
	Headers(ctx context.Context, from, to int64) ([]api.BlockHeader, error)
}

// chainBlocks answers GET /api/v1/chain/blocks?from=&to= with at most
// api.MaxHeadersPerCall headers.
func (s *Server) chainBlocks(w http.ResponseWriter, r *http.Request) {
	hs, ok := s.chain.(ChainHeaders)
	if !ok {
		s.fail(w, r, badRequestf("this gateway's chain does not serve block headers"))
		return
	}
	q := r.URL.Query()
	from, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil || from < 1 || to < from || to-from >= api.MaxHeadersPerCall {
		s.fail(w, r, badRequestf("from and to must be heights, 1 ≤ from ≤ to, at most %d blocks", api.MaxHeadersPerCall))
		return
	}
	v, err := hs.Headers(r.Context(), from, to)
	if err != nil {
		s.failChain(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
