package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// errNoCredentials: a route that needs an account got a request without
// credentials.
var errNoCredentials = errors.New("no credentials")

// rateLimited is a request over its key's budget.
type rateLimited struct {
	who   string
	retry time.Duration
}

func (e *rateLimited) Error() string {
	return "too many requests from " + e.who
}

// docsHint points at the description of the scheme.
const docsHint = "see docs/api-auth.md"

// refuse answers a request whose credentials failed: 429 when it is over
// a budget, otherwise 401. A failed attempt counts against the remote
// address's budget, so that guessing costs the guesser; once that budget
// is spent the answer is 429.
func (a *authenticator) refuse(w http.ResponseWriter, r *http.Request, err error) {
	var rl *rateLimited
	switch {
	case errors.As(err, &rl):
		writeRateLimited(w, rl, a.cfg)
		return
	case errors.Is(err, auth.ErrTooManyNonces):
		retry := a.nonces.RetryAfter(a.now())
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(retry)))
		writeError(w, http.StatusTooManyRequests, api.Error{
			Code:    codeRateLimited,
			Message: "too many signed requests within the replay window: " + err.Error(),
			Hint:    "wait and slow down, or use an API token (opensky token create) for heavy scripts",
		})
		return
	}
	if !isAuthError(err) {
		// Not a verdict on the credentials: an unreadable body (400), a
		// request that ended while it was checked.
		status, body := errorResponse(err)
		writeError(w, status, body)
		return
	}
	if ok, retry := a.limits.allow(remoteKey(r)); !ok {
		writeRateLimited(w, &rateLimited{who: "this address", retry: retry}, a.cfg)
		return
	}
	writeUnauthorized(w, err)
}

// writeUnauthorized writes the 401 for an authentication failure.
func writeUnauthorized(w http.ResponseWriter, err error) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="opensky"`)
	writeError(w, http.StatusUnauthorized, authErrorBody(err))
}

// isAuthError reports whether err is an authentication failure.
func isAuthError(err error) bool {
	for _, target := range []error{
		errNoCredentials, auth.ErrMalformed, auth.ErrExpired, auth.ErrBadSignature, auth.ErrReplay,
		auth.ErrBodyMismatch, auth.ErrInvalidToken, auth.ErrTokenExpired,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// authErrorBody explains an authentication failure and how to fix it.
func authErrorBody(err error) api.Error {
	e := api.Error{Code: codeUnauthorized, Message: err.Error(), Hint: docsHint}
	switch {
	case errors.Is(err, errNoCredentials):
		e.Message = "this gateway requires authentication"
		e.Hint = `sign requests with your account's key (the opensky CLI signs with your wallet) or send an API token as "Authorization: Bearer <token>" (opensky token create); ` + docsHint
	case errors.Is(err, auth.ErrExpired):
		e.Hint = "sign each request just before sending it, and check that this machine's clock is right"
	case errors.Is(err, auth.ErrBadSignature):
		e.Message = "the signature does not match the request and the account it names"
		e.Hint = "sign the canonical request (method, host, target, account, timestamp, nonce, body SHA-256) with the key of the account in " + auth.HeaderAccount + "; " + docsHint
	case errors.Is(err, auth.ErrReplay):
		e.Message = "this request was already received: its nonce was used"
		e.Hint = "sign every request anew, with a fresh random nonce"
	case errors.Is(err, auth.ErrBodyMismatch):
		e.Message = "the request body does not match " + auth.HeaderContentSHA256
		e.Hint = "hash exactly the bytes sent, and sign that hash"
	case errors.Is(err, auth.ErrInvalidToken):
		e.Message = "the API token is unknown or was revoked"
		e.Hint = "create a new one with opensky token create; in the web interface, sign in again"
	case errors.Is(err, auth.ErrTokenExpired):
		e.Hint = "create a new one with opensky token create; in the web interface, sign in again"
	}
	return e
}

// writeRateLimited writes the 429 of a request over its budget.
func writeRateLimited(w http.ResponseWriter, rl *rateLimited, c AuthConfig) {
	secs := retryAfterSeconds(rl.retry)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, api.Error{
		Code:    codeRateLimited,
		Message: fmt.Sprintf("%s: the limit is %g requests a second, in bursts of up to %d", rl.Error(), c.RatePerSecond, c.Burst),
		Hint:    fmt.Sprintf("wait %d s (Retry-After) and slow down", secs),
	})
}
