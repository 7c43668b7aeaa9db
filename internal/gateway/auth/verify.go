package auth

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/identity"
)

// DefaultClockSkew is how far a signed request's timestamp may be from the
// gateway's clock, either way, unless configured otherwise.
const DefaultClockSkew = 5 * time.Minute

// Verifier checks signed requests: the timestamp is within the window, the
// signature is the account's over the canonical string, and the nonce was
// not seen before within the window. It is safe for concurrent use.
type Verifier struct {
	skew   time.Duration
	nonces *NonceCache
	now    func() time.Time
}

// NewVerifier returns a Verifier accepting timestamps within ±skew
// (DefaultClockSkew when not positive) that remembers nonces in nonces.
// now is the clock (time.Now when nil).
func NewVerifier(skew time.Duration, nonces *NonceCache, now func() time.Time) *Verifier {
	if skew <= 0 {
		skew = DefaultClockSkew
	}
	if now == nil {
		now = time.Now
	}
	return &Verifier{skew: skew, nonces: nonces, now: now}
}

// Skew returns the accepted distance between a timestamp and the clock.
func (v *Verifier) Skew() time.Duration {
	return v.skew
}

// Verify checks the signed credentials c of a request with the given
// method, Host header and request target, and returns the account in the
// chain's canonical form. The body is not checked here: the caller
// compares it with c.BodySHA256. Errors wrap ErrExpired, ErrMalformed,
// ErrBadSignature, ErrReplay or ErrTooManyNonces.
func (v *Verifier) Verify(c Credentials, method, host, target string) (string, error) {
	if c.Kind != Signed {
		return "", fmt.Errorf("%w: not a signed request", ErrMalformed)
	}
	now := v.now()
	if d := time.Duration(now.Unix()-c.Timestamp) * time.Second; d > v.skew || d < -v.skew {
		return "", fmt.Errorf("%w: the timestamp is %s from the gateway's clock; at most %s is allowed", ErrExpired, d.Abs(), v.skew)
	}
	pub, err := identity.ParseAddress(c.Account)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrMalformed, HeaderAccount, err)
	}
	msg := Canonical{
		Method: method, Host: host, Target: target, Account: c.Account,
		Timestamp: c.Timestamp, Nonce: c.Nonce, BodySHA256: c.BodySHA256,
	}.Message()
	if !identity.Verify(pub, msg, c.Signature) {
		return "", ErrBadSignature
	}
	account := identity.AddressOf(pub)
	if err := v.nonces.Add(account, c.Nonce, now); err != nil {
		return "", err
	}
	return account, nil
}

// Target returns the request target a server compares with the signed
// one: the request line's path and query as the client sent them.
func Target(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}
