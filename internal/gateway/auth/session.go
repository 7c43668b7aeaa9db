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
// none or it does not have a token's form.
func SessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookieName(r.Host))
	if err != nil {
		return ""
	}
	if _, _, err := ParseToken(c.Value); err != nil {
		return ""
	}
	return c.Value
}
