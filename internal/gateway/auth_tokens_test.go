package gateway

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// TestTokenLifecycle: a signed request makes a token, shown once; the
// token authenticates as its account, lists without secrets, cannot make
// more tokens, and once revoked is refused with 401.
func TestTokenLifecycle(t *testing.T) {
	alice, bob := accounts(t)
	g := newAuthGateway(t, nil)
	job := g.b.addOwnedJob(alice.Address(), api.PhaseRunning, 1)

	resp, data := g.do(as{acct: alice}, "POST", "/api/v1/tokens", []byte(`{"name":"ci","expiresAt":"`+testEpoch.Add(48*time.Hour).Format(time.RFC3339)+`"}`))
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %v %s", resp.StatusCode, resp.Header, data)
	}
	nt := decode[api.NewToken](t, data)
	if !strings.HasPrefix(nt.Value, "osk_") || nt.Account != alice.Address() || nt.Name != "ci" || !nt.ExpiresAt.Equal(testEpoch.Add(48*time.Hour)) {
		t.Fatalf("new token %+v", nt)
	}
	if resp, data := g.do(as{token: nt.Value}, "GET", "/api/v1/jobs/"+job, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice's job with her token: %d %s", resp.StatusCode, data)
	}
	// An empty body makes an unnamed token that does not expire.
	g.advance(time.Second) // listed after the first
	resp, data = g.do(as{acct: alice}, "POST", "/api/v1/tokens", nil)
	if nt2 := decode[api.NewToken](t, data); resp.StatusCode != http.StatusCreated || nt2.Name != "" || !nt2.ExpiresAt.IsZero() {
		t.Fatalf("create without a body: %d %s", resp.StatusCode, data)
	}

	resp, data = g.do(as{token: nt.Value}, "GET", "/api/v1/tokens", nil)
	list := decode[[]api.Token](t, data)
	if resp.StatusCode != http.StatusOK || len(list) != 2 || list[0].ID != nt.ID || strings.Contains(string(data), nt.Value[len(nt.Value)-20:]) {
		t.Fatalf("list: %d %s", resp.StatusCode, data)
	}
	resp, data = g.do(as{token: nt.Value}, "POST", "/api/v1/tokens", []byte(`{}`))
	wantError(t, resp, data, http.StatusForbidden, codeForbidden)

	// Bob neither sees nor revokes alice's tokens.
	bobs := g.newToken(bob, "bob")
	resp, data = g.do(as{token: bobs}, "GET", "/api/v1/tokens", nil)
	if list := decode[[]api.Token](t, data); len(list) != 1 || list[0].Account != bob.Address() {
		t.Fatalf("bob's list: %s", data)
	}
	resp, data = g.do(as{token: bobs}, "DELETE", "/api/v1/tokens/"+nt.ID, nil)
	wantError(t, resp, data, http.StatusNotFound, codeNotFound)
	resp, data = g.do(as{acct: alice}, "DELETE", "/api/v1/tokens/NOT-AN-ID", nil)
	wantError(t, resp, data, http.StatusBadRequest, codeBadRequest)

	resp, _ = g.do(as{token: nt.Value}, "DELETE", "/api/v1/tokens/"+nt.ID, nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	resp, data = g.do(as{token: nt.Value}, "GET", "/api/v1/jobs/"+job, nil)
	if e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized); !strings.Contains(e.Message, "revoked") {
		t.Fatalf("revoked token: %q", e.Message)
	}

	// Expired: refused with 401 too.
	resp, data = g.do(as{acct: alice}, "POST", "/api/v1/tokens", []byte(`{"expiresAt":"`+testEpoch.Add(time.Hour).Format(time.RFC3339)+`"}`))
	short := decode[api.NewToken](t, data)
	g.advance(time.Hour)
	resp, data = g.do(as{token: short.Value}, "GET", "/api/v1/jobs", nil)
	if e := wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized); !strings.Contains(e.Message, "expired") {
		t.Fatalf("expired token: %q", e.Message)
	}
	// Bad requests.
	for _, body := range []string{`{"name":"` + strings.Repeat("n", 65) + `"}`, `{"expiresAt":"2001-01-01T00:00:00Z"}`, `{"unknown":1}`, `[]`} {
		resp, data := g.do(as{acct: alice}, "POST", "/api/v1/tokens", []byte(body))
		wantError(t, resp, data, http.StatusBadRequest, codeBadRequest)
	}
}

// TestTokensSurviveRestart: the token store is on disk; a new gateway
// over the same directory takes the tokens made before, except the
// revoked ones.
func TestTokensSurviveRestart(t *testing.T) {
	alice, _ := accounts(t)
	g := newAuthGateway(t, nil)
	kept, gone := g.newToken(alice, "kept"), g.newToken(alice, "gone")
	var goneID string
	_, data := g.do(as{token: kept}, "GET", "/api/v1/tokens", nil)
	for _, tk := range decode[[]api.Token](t, data) {
		if tk.Name == "gone" {
			goneID = tk.ID
		}
	}
	if resp, _ := g.do(as{token: kept}, "DELETE", "/api/v1/tokens/"+goneID, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	g.restart(nil)
	if resp, data := g.do(as{token: kept}, "GET", "/api/v1/jobs", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("a token made before the restart: %d %s", resp.StatusCode, data)
	}
	resp, data := g.do(as{token: gone}, "GET", "/api/v1/jobs", nil)
	wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
}

// TestSessionCookieOnlyReads: the web interface's cookie authenticates an
// API read (an output download link) but never a change, which another
// page could otherwise make a signed-in browser send.
func TestSessionCookieOnlyReads(t *testing.T) {
	alice, _ := accounts(t)
	g := newAuthGateway(t, nil)
	job := g.b.addOwnedJob(alice.Address(), api.PhaseRunning, 1)
	g.b.outputs[job] = map[string][]byte{"0/out.txt": []byte("x")}
	tok := g.newToken(alice, "browser")
	if resp, data := g.do(as{cookie: tok}, "GET", "/api/v1/jobs/"+job+"/outputs/0/out.txt", nil); resp.StatusCode != http.StatusOK || string(data) != "x" {
		t.Fatalf("download with the session cookie: %d %s", resp.StatusCode, data)
	}
	resp, data := g.do(as{cookie: tok}, "POST", "/api/v1/jobs/"+job+"/cancel", nil)
	wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
	if j, _ := g.b.GetJob(t.Context(), job); j.Phase != api.PhaseRunning {
		t.Fatal("a cookie cancelled a job")
	}
	resp, data = g.do(as{cookie: "osk_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43)}, "GET", "/api/v1/jobs", nil)
	wantError(t, resp, data, http.StatusUnauthorized, codeUnauthorized)
}

// TestTokenRoutesWithoutAuth: a gateway that does not authenticate keeps
// no tokens and says so; the rest behaves as before.
func TestTokenRoutesWithoutAuth(t *testing.T) {
	b, _, ts := newTestGateway(t)
	for _, r := range []struct{ method, path string }{{"POST", "/api/v1/tokens"}, {"GET", "/api/v1/tokens"}, {"DELETE", "/api/v1/tokens/aaaaaaaaaaaaaaaa"}} {
		resp, data := do(t, r.method, ts.URL+r.path, "", nil)
		if e := wantError(t, resp, data, http.StatusNotFound, codeNotFound); !strings.Contains(e.Message, "does not authenticate") {
			t.Errorf("%s %s: %q", r.method, r.path, e.Message)
		}
	}
	job := b.addJob(api.PhaseRunning, 1)
	resp, data := do(t, "GET", ts.URL+"/api/v1/jobs/"+job, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("without auth: %d %s", resp.StatusCode, data)
	}
	resp, data = do(t, "GET", ts.URL+"/api/v1/node", "", nil)
	if n := decode[api.Node](t, data); n.Auth != nil {
		t.Fatalf("node without auth says %+v", n.Auth)
	}
}
