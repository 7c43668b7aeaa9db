package gateway

import (
	"net/http"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// maxTokenBody bounds the body of POST /api/v1/tokens.
const maxTokenBody int64 = 4 << 10

// tokenRoutes registers the API token routes. On a gateway without
// authentication each answers 404.
//
//	POST   /api/v1/tokens        api.TokenRequest -> 201 api.NewToken (signed requests only)
//	GET    /api/v1/tokens        []api.Token of the caller
//	DELETE /api/v1/tokens/{id}   204; the token stops working at once
func (s *Server) tokenRoutes() {
	s.handle("POST /api/v1/tokens", s.withAuth(s.createToken))
	s.handle("GET /api/v1/tokens", s.withAuth(s.listTokens))
	s.handle("DELETE /api/v1/tokens/{id}", s.withAuth(s.revokeToken))
}

// withAuth answers 404 in place of h when the gateway does not
// authenticate requests, and so keeps no tokens.
func (s *Server) withAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.auth == nil {
			writeError(w, http.StatusNotFound, api.Error{
				Code:    codeNotFound,
				Message: "this gateway does not authenticate requests: " + r.URL.Path + " is not served",
				Hint:    "API tokens exist on gateways that require authentication",
			})
			return
		}
		h(w, r)
	}
}

// createToken makes a token for the signing account. The body may be
// empty (an unnamed token that does not expire).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	acct, _ := AccountFrom(r.Context())
	var req api.TokenRequest
	if r.ContentLength != 0 {
		if err := readJSONBody(w, r, maxTokenBody, &req); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	t, secret, err := s.auth.tokens.Create(r.Context(), acct, req.Name, req.ExpiresAt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, api.NewToken{Token: apiToken(t), Value: secret})
}

// listTokens lists the caller's tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	acct, _ := AccountFrom(r.Context())
	ts, err := s.auth.tokens.List(r.Context(), acct)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]api.Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, apiToken(t))
	}
	writeJSON(w, http.StatusOK, out)
}

// revokeToken deletes one of the caller's tokens; another account's is
// 404 like one that does not exist.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	acct, _ := AccountFrom(r.Context())
	id := r.PathValue("id")
	if !auth.ValidTokenID(id) {
		s.fail(w, r, &badRequest{msg: "token IDs are 16 characters of a-z and 2-7", hint: "opensky token list shows your tokens' IDs"})
		return
	}
	if err := s.auth.tokens.Revoke(r.Context(), acct, id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiToken is a token's API form.
func apiToken(t auth.Token) api.Token {
	return api.Token{ID: t.ID, Name: t.Name, Account: t.Account, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
}
