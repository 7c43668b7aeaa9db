package auth

import (
	"net"
	"net/http"
)

// SessionCookie is the base name of the web interface's session cookie,
// which holds an API token.
const SessionCookie = "opensky_session"

// maxPortLen bounds the port in a cookie name.
const maxPortLen = 5

// SessionCookieName is the session cookie's name for a gateway reached at
// host. Browsers do not keep cookies apart by port, so two gateways on one
// machine (127.0.0.1:7700 and 127.0.0.1:7701) get a name each.
func SessionCookieName(host string) string {
	_, port, err := net.SplitHostPort(host)
	if err != nil || port == "" || len(port) > maxPortLen {
		return SessionCookie
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return SessionCookie
		}
	}
	return SessionCookie + "_" + port
}

// SessionToken returns the token in r's session cookie, "" when there is
// none, when it does not have a token's form, or when r carries more than
// one cookie of the session's name. Browsers keep cookies apart by host
// but not by port or scheme, and send every cookie whose path matches,
// those with longer paths first: a page on the same host at another port
// can set a second session cookie with a longer path to have its own
// token read in place of the gateway's. The request cannot tell which of
// the two the gateway set, so it has no session.
func SessionToken(r *http.Request) string {
	cs := r.CookiesNamed(SessionCookieName(r.Host))
	if len(cs) != 1 {
		return ""
	}
	if _, _, err := ParseToken(cs[0].Value); err != nil {
		return ""
	}
	return cs[0].Value
}
