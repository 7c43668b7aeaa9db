package ui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// A page's script may change something through the API on behalf of the
// signed-in visitor, the way the upload page stores a file it sealed:
// the gateway then takes the session cookie as the request's credentials
// on the routes that allow it, provided CheckAPIWrite accepts the
// request. Like the forms (csrf.go), it must come from this origin, and
// it must carry the page's API write token, which the page got from the
// gateway with its HTML: HMAC-SHA256 keyed by the session's token. Another
// site can neither read the page nor compute the token, which is bound to
// the session: a new sign-in makes a new one.

// APIWriteHeader is the request header that carries the page's API write
// token.
const APIWriteHeader = "X-Opensky-Csrf"

// apiWriteLabel is what the token authenticates.
const apiWriteLabel = "opensky/ui/api-write/1"

// ErrAPIWrite is a request that changes something with the session
// cookie as its credentials but does not come from this gateway's pages.
var ErrAPIWrite = errors.New("only this gateway's own pages may send this request with a session cookie")

// apiWriteToken is the API write token of the session whose API token is
// session.
func apiWriteToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte(apiWriteLabel))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckAPIWrite accepts a request that changes something with r's session
// cookie as its credentials only when it comes from a page of this
// gateway: same origin, and the page's API write token for that session
// in APIWriteHeader. Any other request gets an error wrapping ErrAPIWrite.
func CheckAPIWrite(r *http.Request) error {
	session := auth.SessionToken(r)
	switch {
	case session == "":
		return fmt.Errorf("%w: the request carries no session cookie", ErrAPIWrite)
	case !sameOrigin(r):
		return fmt.Errorf("%w: it comes from another origin", ErrAPIWrite)
	}
	got := r.Header.Get(APIWriteHeader)
	if got == "" || !hmac.Equal([]byte(got), []byte(apiWriteToken(session))) {
		return fmt.Errorf("%w: its %s token is missing or not this session's; reload the page", ErrAPIWrite, APIWriteHeader)
	}
	return nil
}

// pageAPIWriteToken is the API write token for the scripts of the page r
// draws: "" when r has no session.
func pageAPIWriteToken(r *http.Request) string {
	if s := auth.SessionToken(r); s != "" {
		return apiWriteToken(s)
	}
	return ""
}
