package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/identity"
)

// maxAnchorsListed bounds ?limit= of the anchors.
const maxAnchorsListed = 100

// bridgeRoutes registers the routes under /api/v1/bridge. On a gateway
// without a bridge each answers 404.
//
//	GET /api/v1/bridge                          bridge.Status (public)
//	GET /api/v1/bridge/deposits?account=        []bridge.Deposit (the caller's)
//	GET /api/v1/bridge/withdrawals?account=     []bridge.Payout (the caller's)
//	GET /api/v1/bridge/withdrawals/{tx}         bridge.Payout of a burn
//	GET /api/v1/bridge/anchors?limit=           []bridge.Anchor, newest first (public)
//	GET /api/v1/bridge/anchors/{height}         bridge.Anchor covering a height (public)
func (s *Server) bridgeRoutes() {
	s.handle("GET /api/v1/bridge", s.withBridge(s.bridgeStatus))
	s.handle("GET /api/v1/bridge/deposits", s.withBridge(bridgeList(s, "deposits", func(a string) ([]bridge.Deposit, error) { return s.bridge.Deposits(a) })))
	s.handle("GET /api/v1/bridge/withdrawals", s.withBridge(bridgeList(s, "withdrawals", func(a string) ([]bridge.Payout, error) { return s.bridge.Withdrawals(a) })))
	s.handle("GET /api/v1/bridge/withdrawals/{tx}", s.withBridge(s.bridgeWithdrawal))
	s.handle("GET /api/v1/bridge/anchors", s.withBridge(s.bridgeAnchors))
	s.handle("GET /api/v1/bridge/anchors/{height}", s.withBridge(s.bridgeAnchor))
}

func (s *Server) withBridge(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.bridge == nil {
			writeError(w, http.StatusNotFound, api.Error{
				Code:    codeNotFound,
				Message: "this gateway runs no Polkadot bridge: " + r.URL.Path + " is not served",
				Hint:    "deposits, withdrawals and anchors go through a gateway started with bridge.enabled (see docs/polkadot.md)",
			})
			return
		}
		h(w, r)
	}
}

// failBridge maps the bridge's not-found to 404 and its other errors to
// 503: the bridge answers from its own state, so an error means it is not
// running.
func (s *Server) failBridge(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, bridge.ErrNotFound) {
		s.fail(w, r, fmt.Errorf("%s: %w", what, ErrNotFound))
		return
	}
	if !errors.Is(err, ErrUnavailable) {
		s.log.Warn("bridge request failed", "path", r.URL.Path, "err", err)
		err = fmt.Errorf("the bridge is not running (%v): %w", err, ErrUnavailable)
	}
	s.fail(w, r, err)
}

func (s *Server) bridgeStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.bridge.Status()
	if err != nil {
		s.failBridge(w, r, "bridge", err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// bridgeAccount is ?account=, the caller's own account by default; with
// authentication on it must be the caller's.
func (s *Server) bridgeAccount(r *http.Request) (string, error) {
	a := r.URL.Query().Get("account")
	if a == "" {
		if acct, ok := AccountFrom(r.Context()); ok {
			return acct, nil
		}
		if s.auth != nil {
			return "", badRequestf("account is required")
		}
		return "", nil // an open gateway lists everyone's
	}
	canon, err := identity.CanonicalAddress(a)
	if err != nil {
		return "", badRequestf("account: %v", err)
	}
	return canon, s.ownAccount(r.Context(), canon)
}

// bridgeList answers with list(the account asked about).
func bridgeList[T any](s *Server, what string, list func(account string) ([]T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct, err := s.bridgeAccount(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := list(acct)
		if err != nil {
			s.failBridge(w, r, what, err)
			return
		}
		writeJSON(w, http.StatusOK, nonNil(v))
	}
}

func (s *Server) bridgeWithdrawal(w http.ResponseWriter, r *http.Request) {
	tx := strings.ToLower(r.PathValue("tx"))
	if len(tx) != 64 || strings.Trim(tx, "0123456789abcdef") != "" {
		s.fail(w, r, badRequestf("tx must be a transaction hash: 64 hex digits"))
		return
	}
	p, err := s.bridge.Withdrawal(tx)
	if err == nil && !s.mayView(r.Context(), p.Account) {
		err = bridge.ErrNotFound
	}
	if err != nil {
		s.failBridge(w, r, "withdrawal of burn "+tx, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) bridgeAnchors(w http.ResponseWriter, r *http.Request) {
	n := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAnchorsListed {
			s.fail(w, r, badRequestf("limit must be 1 to %d", maxAnchorsListed))
			return
		}
	}
	as, err := s.bridge.Anchors(n)
	if err != nil {
		s.failBridge(w, r, "anchors", err)
		return
	}
	writeJSON(w, http.StatusOK, nonNil(as))
}

func (s *Server) bridgeAnchor(w http.ResponseWriter, r *http.Request) {
	h, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
	if err != nil || h < 1 {
		s.fail(w, r, badRequestf("height must be a block height, 1 or more"))
		return
	}
	a, err := s.bridge.AnchorCovering(h)
	if err != nil {
		s.failBridge(w, r, fmt.Sprintf("no anchor covers height %d yet", h), err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
