package gateway

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
)

// Accounts of the auth tests, derived once.
var testAccounts struct {
	once       sync.Once
	alice, bob *identity.Account
}

func accounts(t testing.TB) (alice, bob *identity.Account) {
	t.Helper()
	testAccounts.once.Do(func() {
		testAccounts.alice, _ = identity.AccountFromURI("//Alice")
		testAccounts.bob, _ = identity.AccountFromURI("//Bob")
	})
	if testAccounts.alice == nil || testAccounts.bob == nil {
		t.Fatal("derive the test accounts")
	}
	return testAccounts.alice, testAccounts.bob
}

// authGateway is a gateway with WithAuth over a fake backend, its token
// store in a temporary directory, and a clock the test moves.
type authGateway struct {
	t      *testing.T
	b      *fakeBackend
	s      *Server
	ts     *httptest.Server
	tokens *auth.TokenStore
	dir    string
	clock  atomic.Int64 // Unix nanoseconds
}

// testEpoch is the auth tests' "now".
var testEpoch = time.Unix(1_800_000_000, 0)

func newAuthGateway(t *testing.T, tune func(*AuthConfig), opts ...Option) *authGateway {
	t.Helper()
	g := &authGateway{t: t, b: newFakeBackend(), dir: t.TempDir()}
	g.clock.Store(testEpoch.UnixNano())
	g.start(tune, opts...)
	return g
}

// start opens the token store and serves a new Server over it.
func (g *authGateway) start(tune func(*AuthConfig), opts ...Option) {
	t := g.t
	tokens, err := auth.OpenTokenStore(g.dir, auth.WithStoreClock(g.now))
	if err != nil {
		t.Fatal(err)
	}
	g.tokens = tokens
	c := AuthConfig{Tokens: tokens, Now: g.now}
	if tune != nil {
		tune(&c)
	}
	g.s = New(g.b, append([]Option{WithLogger(testLogger(t)), WithAuth(c)}, opts...)...)
	g.ts = httptest.NewServer(g.s.Handler())
	t.Cleanup(func() {
		g.ts.Close()
		g.tokens.Close()
	})
}

// restart stops the server and closes the store, then starts both again
// from the same directory.
func (g *authGateway) restart(tune func(*AuthConfig), opts ...Option) {
	g.ts.Close()
	if err := g.tokens.Close(); err != nil {
		g.t.Fatal(err)
	}
	g.start(tune, opts...)
}

func (g *authGateway) now() time.Time {
	return time.Unix(0, g.clock.Load())
}

func (g *authGateway) advance(d time.Duration) {
	g.clock.Add(int64(d))
}

// as says how a test request authenticates: signed by an account, with a
// bearer token, with a session cookie, or not at all.
type as struct {
	acct   *identity.Account
	token  string
	cookie string
	// at signs at this time instead of the gateway's clock.
	at time.Time
}

// request builds a request to path with body, authenticated as a says.
// tamper, when set, changes the request after it is signed.
func (g *authGateway) request(a as, method, path string, body []byte, tamper func(*http.Request)) *http.Request {
	g.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(g.t.Context(), method, g.ts.URL+path, rd)
	if err != nil {
		g.t.Fatal(err)
	}
	switch {
	case a.acct != nil:
		at := a.at
		if at.IsZero() {
			at = g.now()
		}
		if err := auth.Sign(req, a.acct, auth.BodySHA256(body), at); err != nil {
			g.t.Fatal(err)
		}
	case a.token != "":
		req.Header.Set("Authorization", "Bearer "+a.token)
	case a.cookie != "":
		req.AddCookie(&http.Cookie{Name: auth.SessionCookieName(req.URL.Host), Value: a.cookie})
	}
	if tamper != nil {
		tamper(req)
	}
	return req
}

// send sends req and returns the response with its body read.
func (g *authGateway) send(req *http.Request) (*http.Response, []byte) {
	g.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	return resp, data
}

// do builds and sends a request.
func (g *authGateway) do(a as, method, path string, body []byte) (*http.Response, []byte) {
	g.t.Helper()
	return g.send(g.request(a, method, path, body, nil))
}

// newToken makes a token for acct through the API and returns it.
func (g *authGateway) newToken(acct *identity.Account, name string) string {
	g.t.Helper()
	resp, data := g.do(as{acct: acct}, "POST", "/api/v1/tokens", []byte(`{"name":`+quote(name)+`}`))
	if resp.StatusCode != http.StatusCreated {
		g.t.Fatalf("create token: %d %s", resp.StatusCode, data)
	}
	v := decode[struct {
		Token string `json:"token"`
	}](g.t, data)
	return v.Token
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
