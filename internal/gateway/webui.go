package gateway

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/gateway/ui"
)

// uiRoute is the metrics route label of the web UI's pages.
const uiRoute = "ui"

// A Backend takes jobs and has logs for the web UI's submit and job
// pages; a Storage has the objects of its storage pages.
var (
	_ ui.Submitter = Backend(nil)
	_ ui.LogSource = Backend(nil)
	_ ui.Storage   = Storage(nil)
	// A Chain lists an account's transactions for the wallet page.
	_ ui.AccountHistory = Chain(nil)
)

// WithUI serves the web UI (package ui) at every path outside /api/,
// /healthz and /metrics, over the Server's Backend, Chain and Storage.
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
	if s.storage != nil {
		opts = append(opts, ui.WithStorage(s.storage))
	}
	if s.auth != nil {
		opts = append(opts, ui.WithSessions(tokenSessions{s.auth.tokens}))
	}
	var pages http.Handler = historyOnServe(ui.New(s.uiBackend(), opts...))
	if s.auth != nil {
		pages = s.auth.pages(pages)
	}
	pages = s.instrument(uiRoute, pages)
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

// pages puts the account of the session cookie, if it works, in the
// context of a web interface request, and holds the request to that
// account's budget (the remote address's without a session). The static
// files are not counted: every page loads them.
func (a *authenticator) pages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.session(r)
		if err != nil {
			p = auth.Principal{} // the sign-in page says the session ended
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			key, who := remoteKey(r), "this address"
			if p.Account != "" {
				key, who = accountKey(p.Account), "account "+p.Account
			}
			if !a.admit(w, key, who) {
				return
			}
		}
		if p.Account != "" {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// tokenSessions checks the web interface's sign-in tokens against the
// token store.
type tokenSessions struct {
	tokens *auth.TokenStore
}

func (t tokenSessions) CheckToken(ctx context.Context, token string) (string, time.Time, error) {
	tok, err := t.tokens.Authenticate(ctx, token)
	return tok.Account, tok.ExpiresAt, err
}
