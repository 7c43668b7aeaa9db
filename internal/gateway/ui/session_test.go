package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// Tokens and accounts of the session tests: well-formed tokens the fake
// store knows.
var (
	aliceToken = "osk_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43)
	bobToken   = "osk_bbbbbbbbbbbbbbbb_" + strings.Repeat("A", 43)
	sessions   = fakeSessions{aliceToken: "5Alice", bobToken: "5Bob"}
)

// fakeSessions is a token store of the session tests.
type fakeSessions map[string]string

func (f fakeSessions) CheckToken(_ context.Context, token string) (string, time.Time, error) {
	if acct, ok := f[token]; ok {
		return acct, time.Now().Add(time.Hour), nil
	}
	return "", time.Time{}, auth.ErrInvalidToken
}

// asGateway puts the account of the session cookie in the request's
// context, as the gateway does before the pages run.
func asGateway(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if acct, ok := sessions[auth.SessionToken(r)]; ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{Account: acct, Method: auth.MethodSession}))
		}
		h.ServeHTTP(w, r)
	})
}

// sessionUI serves the pages with sign-in over the fixture, whose
// finished job is alice's and running job bob's.
func sessionUI(t *testing.T) (*httptest.Server, *http.Client) {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	for id, owner := range map[string]string{"job-done": "5Alice", "job-run": "5Bob"} {
		j := b.jobs[id]
		j.Owner = owner
		b.put(*j)
	}
	srv := newServer(t, asGateway(New(b, WithNotFound(errNotFound), WithSessions(sessions))))
	jar, _ := cookiejar.New(nil)
	c := *srv.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv, &c
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// signIn draws the sign-in page, sends it with token, and returns the
// response.
func signIn(t *testing.T, srv *httptest.Server, c *http.Client, token, next string) (*http.Response, string) {
	t.Helper()
	_, page := fetch(t, c, "GET", srv.URL+"/signin?next="+url.QueryEscape(next), nil, nil)
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the sign-in page has no form token:\n%s", page)
	}
	return fetch(t, c, "POST", srv.URL+"/signin", url.Values{"csrf_token": {m[1]}, "token": {token}, "next": {next}},
		map[string]string{"Origin": srv.URL})
}

func TestSignInRequired(t *testing.T) {
	srv, c := sessionUI(t)
	for _, p := range []string{"/", "/jobs", "/jobs/job-done", "/providers", "/submit?template=pi"} {
		res, _ := fetch(t, c, "GET", srv.URL+p, nil, nil)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || loc.Path != "/signin" || loc.Query().Get("next") != p {
			t.Errorf("GET %s without a session: %d to %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if res, _ := fetch(t, c, "GET", srv.URL+"/static/style.css", nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("static file without a session: %d", res.StatusCode)
	}
	res, _ := fetch(t, c, "POST", srv.URL+"/submit", url.Values{}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /submit without a session: %d", res.StatusCode)
	}
	body := getPage(t, srv, "/signin", http.StatusOK)
	wantAll(t, "/signin", body, `id="token"`, `type="password"`, "opensky token create", `for="token"`)
	if strings.Contains(body, "signout-form") {
		t.Error("the sign-in page offers to sign out before signing in")
	}
}

func TestSignInAndOut(t *testing.T) {
	srv, c := sessionUI(t)
	res, body := signIn(t, srv, c, "osk_cccccccccccccccc_"+strings.Repeat("A", 43), "/jobs")
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `id="signin-error"`) || len(res.Cookies()) != 0 {
		t.Fatalf("an unknown token: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	res, _ = signIn(t, srv, c, "not a token", "/jobs")
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("junk: %d", res.StatusCode)
	}

	res, _ = signIn(t, srv, c, aliceToken, "/jobs?phase=completed")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/jobs?phase=completed" {
		t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Cookies()
	host := strings.TrimPrefix(srv.URL, "http://")
	if len(ck) != 1 || ck[0].Name != auth.SessionCookieName(host) || ck[0].Value != aliceToken || !ck[0].HttpOnly ||
		ck[0].SameSite != http.SameSiteStrictMode || ck[0].Path != "/" || ck[0].MaxAge <= 0 {
		t.Fatalf("session cookie %+v", ck)
	}

	// Alice sees her job and not bob's, which looks like a missing one.
	res, body = fetch(t, c, "GET", srv.URL+"/jobs", nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "job-done") || strings.Contains(body, "job-run") {
		t.Fatalf("alice's jobs page: %d\n%s", res.StatusCode, body)
	}
	wantAll(t, "/jobs", body, "Signed in as", `action="/signout"`, "5Alice")
	res, body = fetch(t, c, "GET", srv.URL+"/", nil, nil)
	if res.StatusCode != http.StatusOK || strings.Contains(body, "job-run") {
		t.Fatalf("alice's dashboard: %d", res.StatusCode)
	}
	_, foreign := fetch(t, c, "GET", srv.URL+"/jobs/job-run", nil, nil)
	res, missing := fetch(t, c, "GET", srv.URL+"/jobs/job-xyz", nil, nil)
	if res.StatusCode != http.StatusNotFound || strings.ReplaceAll(foreign, "job-run", "job-xyz") != strings.ReplaceAll(missing, signOutTokenOf(missing), signOutTokenOf(foreign)) {
		t.Errorf("bob's job and a missing one differ:\n%s\n---\n%s", foreign, missing)
	}
	for _, p := range []string{"/jobs/job-run/events", "/jobs/job-run/logs"} {
		if res, _ := fetch(t, c, "GET", srv.URL+p, nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s of bob's job: %d", p, res.StatusCode)
		}
	}
	if res, _ := fetch(t, c, "GET", srv.URL+"/jobs/job-done", nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("alice's own job: %d", res.StatusCode)
	}

	// Sign-out is a form like the others: refused from elsewhere.
	_, page := fetch(t, c, "GET", srv.URL+"/jobs", nil, nil)
	tok := signOutTokenOf(page)
	if res, _ := fetch(t, c, "POST", srv.URL+"/signout", url.Values{"csrf_token": {tok}}, map[string]string{"Origin": "http://evil.example"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out from another origin: %d", res.StatusCode)
	}
	if res, _ := fetch(t, c, "POST", srv.URL+"/signout", url.Values{"csrf_token": {"forged"}}, map[string]string{"Origin": srv.URL}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out with a forged token: %d", res.StatusCode)
	}
	res, _ = fetch(t, c, "POST", srv.URL+"/signout", url.Values{"csrf_token": {tok}}, map[string]string{"Origin": srv.URL})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("sign out: %d %q %+v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
	}
	if res, _ := fetch(t, c, "GET", srv.URL+"/jobs", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after signing out: %d", res.StatusCode)
	}
}

func TestSignInRefusesForgery(t *testing.T) {
	srv, c := sessionUI(t)
	_, page := fetch(t, c, "GET", srv.URL+"/signin", nil, nil)
	tok := tokenRE.FindStringSubmatch(page)[1]
	for name, c2 := range map[string]struct {
		form url.Values
		hdr  map[string]string
	}{
		"no origin":      {url.Values{"csrf_token": {tok}, "token": {aliceToken}}, nil},
		"another origin": {url.Values{"csrf_token": {tok}, "token": {aliceToken}}, map[string]string{"Origin": "http://evil.example"}},
		"no form token":  {url.Values{"token": {aliceToken}}, map[string]string{"Origin": srv.URL}},
	} {
		res, _ := fetch(t, c, "POST", srv.URL+"/signin", c2.form, c2.hdr)
		if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v", name, res.StatusCode, res.Cookies())
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "/",
		"/jobs?phase=running":      "/jobs?phase=running",
		"/jobs/j-1":                "/jobs/j-1",
		"//evil.example/x":         "/",
		"https://evil.example/":    "/",
		"/\\evil.example":          "/",
		"jobs":                     "/",
		"/signin":                  "/",
		"/signin?next=/signin":     "/",
		"/x\r\nSet-Cookie: a=b":    "/",
		"javascript:alert(1)":      "/",
		"/static/style.css?v=1#id": "/static/style.css?v=1#id",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSessionEnded(t *testing.T) {
	srv, c := sessionUI(t)
	u, _ := url.Parse(srv.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookieName(u.Host), Value: "osk_cccccccccccccccc_" + strings.Repeat("A", 43), Path: "/"}})
	_, body := fetch(t, c, "GET", srv.URL+"/signin", nil, nil)
	if !strings.Contains(body, `id="session-ended"`) {
		t.Fatalf("a dead session cookie is not explained:\n%s", body)
	}
}

// signOutTokenOf returns the sign-out form's token of a page.
func signOutTokenOf(page string) string {
	i := strings.Index(page, `id="signout-form"`)
	if i < 0 {
		return ""
	}
	if m := tokenRE.FindStringSubmatch(page[i:]); m != nil {
		return m[1]
	}
	return ""
}
