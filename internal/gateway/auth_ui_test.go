package gateway

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// TestWebSessions: through the gateway, a visitor signs in with an API
// token from the token store, then sees only that account's jobs; its
// pages count against the account's budget, the static files do not.
func TestWebSessions(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, func(c *AuthConfig) { c.RatePerSecond, c.Burst = 1, 8 }, WithUI())
	mine := g.b.addOwnedJob(alice.Address(), api.PhaseCompleted, 1)
	theirs := g.b.addOwnedJob(bob.Address(), api.PhaseCompleted, 1)
	tok := g.newToken(alice, "browser")

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) (int, string) {
		t.Helper()
		res, err := c.Get(g.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(data)
	}
	if code, _ := get("/jobs"); code != http.StatusSeeOther {
		t.Fatalf("jobs page without a session: %d", code)
	}
	_, page := get("/signin?next=/jobs")
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no sign-in form:\n%s", page)
	}
	req, _ := http.NewRequest("POST", g.ts.URL+"/signin", strings.NewReader(url.Values{"csrf_token": {m[1]}, "token": {tok}, "next": {"/jobs"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", g.ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/jobs" {
		t.Fatalf("sign in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	code, body := get("/jobs")
	if code != http.StatusOK || !strings.Contains(body, mine) || strings.Contains(body, theirs) {
		t.Fatalf("jobs page: %d, mine shown %v, theirs shown %v", code, strings.Contains(body, mine), strings.Contains(body, theirs))
	}
	if code, _ := get("/jobs/" + theirs); code != http.StatusNotFound {
		t.Fatalf("bob's job page: %d", code)
	}
	for range 20 {
		if code, _ := get("/static/style.css"); code != http.StatusOK {
			t.Fatalf("static file: %d", code)
		}
	}
	limited := false
	for range 10 {
		if code, _ := get("/jobs/" + mine); code == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("pages are not counted against the account's budget")
	}
}
