package gateway

import (
	"net/http"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
)

// AuthConfig configures how the gateway authenticates requests
// (WithAuth).
type AuthConfig struct {
	// Tokens keeps the API tokens (auth.OpenTokenStore); the caller
	// closes it after the Server stops. Required.
	Tokens *auth.TokenStore
	// ClockSkew is how far a signed request's timestamp may be from the
	// gateway's clock, either way (auth.DefaultClockSkew when zero).
	ClockSkew time.Duration
	// RatePerSecond and Burst are each account's request budget, and
	// each remote address's for requests without credentials
	// (DefaultRatePerSecond and DefaultBurst when zero).
	RatePerSecond float64
	Burst         int
	// MaxNoncesPerAccount and MaxNonces bound the memory of recently
	// used nonces (auth.DefaultMaxNoncesPerAccount, auth.DefaultMaxNonces
	// when zero).
	MaxNoncesPerAccount int
	MaxNonces           int
	// DevAccounts tells clients (GET /api/v1/node) that this is a local
	// development network where the public development accounts may
	// sign; the gateway itself treats them like any other account.
	DevAccounts bool
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// WithAuth makes the gateway require authentication on every route
// registered through Server.handle except the public ones (health,
// metrics, the OpenAPI document, node info, the provider list and the
// chain's status): a request signed with the account's key or an API
// token. Handlers find the account with AccountFrom. Requests are also
// rate-limited per account (per remote address without credentials), and
// each account sees only the jobs it submitted. It panics when c.Tokens is
// nil.
func WithAuth(c AuthConfig) Option {
	if c.Tokens == nil {
		panic("gateway: WithAuth needs a token store (auth.OpenTokenStore)")
	}
	return func(s *Server) { s.auth = newAuthenticator(c) }
}

// authenticator holds what checking a request needs.
type authenticator struct {
	cfg      AuthConfig
	verifier *auth.Verifier
	tokens   *auth.TokenStore
	nonces   *auth.NonceCache
	limits   *rateLimiter
	now      func() time.Time
}

func newAuthenticator(c AuthConfig) *authenticator {
	if c.ClockSkew <= 0 {
		c.ClockSkew = auth.DefaultClockSkew
	}
	if c.RatePerSecond <= 0 {
		c.RatePerSecond = DefaultRatePerSecond
	}
	if c.Burst <= 0 {
		c.Burst = DefaultBurst
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	nonces := auth.NewNonceCache(c.ClockSkew, c.MaxNoncesPerAccount, c.MaxNonces)
	return &authenticator{
		cfg:      c,
		verifier: auth.NewVerifier(c.ClockSkew, nonces, c.Now),
		tokens:   c.Tokens,
		nonces:   nonces,
		limits:   newRateLimiter(c.RatePerSecond, c.Burst, c.Now),
		now:      c.Now,
	}
}

// info is what GET /api/v1/node says about authentication.
func (a *authenticator) info() *api.AuthInfo {
	return &api.AuthInfo{
		Required:         true,
		ClockSkewSeconds: int64(a.cfg.ClockSkew / time.Second),
		RatePerSecond:    a.cfg.RatePerSecond,
		Burst:            a.cfg.Burst,
		DevAccounts:      a.cfg.DevAccounts,
	}
}

// routePolicy is what a route asks of a request's credentials.
type routePolicy int

const (
	// policyPrivate: an authenticated account is required.
	policyPrivate routePolicy = iota
	// policyPublic: credentials are optional (and checked when present).
	policyPublic
	// policySigned: a signed request is required; a token cannot do
	// this (make more tokens).
	policySigned
	// policyBrowserWrite: like policyPrivate, and a page's script may
	// send it with the session cookie (storage_browser.go).
	policyBrowserWrite
)

// publicRoutes answer without credentials.
var publicRoutes = map[string]bool{
	"GET /healthz":             true,
	"GET /metrics":             true,
	"GET /api/v1/openapi.json": true,
	"GET /api/v1/node":         true,
	"GET /api/v1/providers":    true,
	"GET /api/v1/chain":        true,
	// Block headers, the bridge's status and the anchors are public
	// records.
	"GET /api/v1/chain/blocks":            true,
	"GET /api/v1/bridge":                  true,
	"GET /api/v1/bridge/anchors":          true,
	"GET /api/v1/bridge/anchors/{height}": true,
}

// signedRoutes need a signed request.
var signedRoutes = map[string]bool{
	"POST /api/v1/tokens": true,
}

// unlimitedRoutes are not rate-limited: probes and scrapes, which cost
// next to nothing and must not fail when the machine is busy.
var unlimitedRoutes = map[string]bool{
	"GET /healthz": true,
	"GET /metrics": true,
}

func policyOf(pattern string) routePolicy {
	switch {
	case publicRoutes[pattern]:
		return policyPublic
	case signedRoutes[pattern]:
		return policySigned
	case browserWriteRoutes[pattern]:
		return policyBrowserWrite
	}
	return policyPrivate
}

// wrap returns next behind authentication and rate limiting under the
// route pattern's policy.
func (a *authenticator) wrap(pattern string, next http.Handler) http.Handler {
	policy := policyOf(pattern)
	limited := !unlimitedRoutes[pattern]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		creds, p, err := a.authenticate(r, policy, limited)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		if p.Account == "" {
			if policy != policyPublic {
				a.refuse(w, r, errNoCredentials)
				return
			}
			if limited && !a.admit(w, remoteKey(r), "this address") {
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if policy == policySigned && p.Method != auth.MethodSignature {
			writeError(w, http.StatusForbidden, api.Error{
				Code:    codeForbidden,
				Message: "API tokens are made with a signed request, not with a token",
				Hint:    "sign the request with the account's key: opensky token create uses your wallet",
			})
			return
		}
		if limited && !a.admit(w, accountKey(p.Account), "account "+p.Account) {
			return
		}
		if creds.Kind == auth.Signed {
			if r, err = checkBody(r, creds.BodySHA256); err != nil {
				a.refuse(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// authenticate returns r's credentials and who they prove r is from: the
// zero principal for a request without any.
func (a *authenticator) authenticate(r *http.Request, policy routePolicy, limited bool) (auth.Credentials, auth.Principal, error) {
	creds, err := auth.ParseCredentials(r.Header)
	if err != nil {
		return creds, auth.Principal{}, err
	}
	switch creds.Kind {
	case auth.Signed:
		p, err := a.verifySigned(r, creds, limited)
		return creds, p, err
	case auth.Bearer:
		t, err := a.tokens.Authenticate(r.Context(), creds.Token)
		if err != nil {
			return creds, auth.Principal{}, err
		}
		return creds, auth.Principal{Account: t.Account, Method: auth.MethodToken, TokenID: t.ID}, nil
	}
	// A browser following a link of the web interface (an output
	// download) carries the session cookie; it counts for reads only, so
	// that another page cannot make a signed-in browser change anything.
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if policy != policyBrowserWrite || auth.SessionToken(r) == "" {
			return creds, auth.Principal{}, nil
		}
		p, err := a.session(r)
		if err == nil {
			err = checkBrowserWrite(r)
		}
		if err != nil {
			return creds, auth.Principal{}, err
		}
		return creds, p, nil
	}
	p, err := a.session(r)
	if err != nil && policy == policyPublic {
		return creds, auth.Principal{}, nil // a public read goes on without it
	}
	return creds, p, err
}

// verifySigned checks a signed request. An account already out of budget
// is refused before its signature is checked: a flood costs the gateway
// no signature verification.
func (a *authenticator) verifySigned(r *http.Request, c auth.Credentials, limited bool) (auth.Principal, error) {
	if limited {
		if canon, err := identity.CanonicalAddress(c.Account); err == nil {
			if ok, retry := a.limits.peek(accountKey(canon)); !ok {
				return auth.Principal{}, &rateLimited{who: "account " + canon, retry: retry}
			}
		}
	}
	account, err := a.verifier.Verify(c, r.Method, r.Host, auth.Target(r))
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Principal{Account: account, Method: auth.MethodSignature}, nil
}

// session returns the principal of r's session cookie, the zero
// principal when there is no cookie.
func (a *authenticator) session(r *http.Request) (auth.Principal, error) {
	tok := auth.SessionToken(r)
	if tok == "" {
		return auth.Principal{}, nil
	}
	t, err := a.tokens.Authenticate(r.Context(), tok)
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Principal{Account: t.Account, Method: auth.MethodSession, TokenID: t.ID}, nil
}

// admit takes a request from key's budget, or answers 429 and returns
// false.
func (a *authenticator) admit(w http.ResponseWriter, key, who string) bool {
	ok, retry := a.limits.allow(key)
	if !ok {
		writeRateLimited(w, &rateLimited{who: who, retry: retry}, a.cfg)
	}
	return ok
}
