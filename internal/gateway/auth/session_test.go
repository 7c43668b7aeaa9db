package auth

import (
	"net/http/httptest"
	"testing"
)

// TestSessionTokenRefusesAShadowedCookie: a request with two cookies of
// the session's name, as a browser sends when a page on the same host at
// another port set one with a longer path, has no session at all, in
// whichever order and however the cookies are split over headers.
func TestSessionTokenRefusesAShadowedCookie(t *testing.T) {
	mine, _, _ := newToken()
	theirs, _, _ := newToken()
	const host = "127.0.0.1:7700"
	name := SessionCookieName(host)
	for _, tc := range []struct {
		name    string
		headers []string
		want    string
	}{
		{"the gateway's cookie", []string{name + "=" + mine}, mine},
		{"next to another port's gateway", []string{SessionCookieName("127.0.0.1:7701") + "=" + theirs + "; " + name + "=" + mine}, mine},
		{"next to other cookies", []string{"theme=dark; " + name + "=" + mine + "; lang=en"}, mine},
		{"no cookie", nil, ""},
		{"not a token", []string{name + "=osk_short"}, ""},
		{"shadowed, longer path first", []string{name + "=" + theirs + "; " + name + "=" + mine}, ""},
		{"shadowed, the gateway's first", []string{name + "=" + mine + "; " + name + "=" + theirs}, ""},
		{"the same token twice", []string{name + "=" + mine + "; " + name + "=" + mine}, ""},
		{"shadowed by a malformed value", []string{name + "=" + mine + "; " + name + "=x"}, ""},
		{"shadowed in another header", []string{name + "=" + theirs, name + "=" + mine}, ""},
	} {
		r := httptest.NewRequest("GET", "http://"+host+"/", nil)
		for _, h := range tc.headers {
			r.Header.Add("Cookie", h)
		}
		if got := SessionToken(r); got != tc.want {
			t.Errorf("%s: SessionToken = %q, want %q", tc.name, got, tc.want)
		}
	}
}
