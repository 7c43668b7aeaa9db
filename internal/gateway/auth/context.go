package auth

import "context"

// Methods by which a request was authenticated.
const (
	// MethodSignature: the request was signed with the account's key.
	MethodSignature = "signature"
	// MethodToken: the request carried an API token.
	MethodToken = "token"
	// MethodSession: a browser sent an API token in the web interface's
	// session cookie.
	MethodSession = "session"
	// MethodInternal: the process itself acts for the account (tests,
	// in-process callers); never set from a request.
	MethodInternal = "internal"
)

// Principal is who an authenticated request is from.
type Principal struct {
	// Account is the SS58 address in the chain's canonical form.
	Account string
	// Method is how the request proved it (Method…).
	Method string
	// TokenID is the ID of the token used, for MethodToken and
	// MethodSession.
	TokenID string
}

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// WithAccount returns a context acting for account, for in-process
// callers that already know who they act for (MethodInternal).
func WithAccount(ctx context.Context, account string) context.Context {
	return WithPrincipal(ctx, Principal{Account: account, Method: MethodInternal})
}

// PrincipalFrom returns the principal ctx carries.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok && p.Account != ""
}

// AccountFrom returns the authenticated account ctx carries.
func AccountFrom(ctx context.Context) (string, bool) {
	p, ok := PrincipalFrom(ctx)
	return p.Account, ok
}
