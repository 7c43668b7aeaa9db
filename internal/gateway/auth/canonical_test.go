package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/identity"
)

func TestCanonicalMessage(t *testing.T) {
	c := Canonical{
		Method: "POST", Host: "Gateway.Example:7700", Target: "/api/v1/jobs?x=1",
		Account: "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", Timestamp: 1700000000,
		Nonce: "0123456789abcdef", BodySHA256: EmptySHA256,
	}
	want := "opensky-api-request-v1\nPOST\ngateway.example:7700\n/api/v1/jobs?x=1\n" +
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY\n1700000000\n0123456789abcdef\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := string(c.Message()); got != want {
		t.Fatalf("canonical string\n%q\nwant\n%q", got, want)
	}
	// Every field changes the string.
	for name, mod := range map[string]func(*Canonical){
		"method":  func(c *Canonical) { c.Method = "GET" },
		"host":    func(c *Canonical) { c.Host = "other:7700" },
		"target":  func(c *Canonical) { c.Target = "/api/v1/jobs?x=2" },
		"account": func(c *Canonical) { c.Account = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty" },
		"time":    func(c *Canonical) { c.Timestamp++ },
		"nonce":   func(c *Canonical) { c.Nonce = "0123456789abcdeg" },
		"body":    func(c *Canonical) { c.BodySHA256 = BodySHA256([]byte("x")) },
	} {
		d := c
		mod(&d)
		if string(d.Message()) == want {
			t.Errorf("changing the %s leaves the canonical string as it was", name)
		}
	}
	if strings.Count(want, "\n") != 7 {
		t.Fatal("the canonical string has not eight lines")
	}
}

// TestSignThenVerify signs a request the way a client does and checks it
// the way the gateway does.
func TestSignThenVerify(t *testing.T) {
	alice := devAccount(t, "//Alice")
	now := time.Unix(1_800_000_000, 0)
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:7700/api/v1/jobs/j-1/cancel?reason=a%20b", nil)
	if err := Sign(req, alice, EmptySHA256, now); err != nil {
		t.Fatal(err)
	}
	// What the server sees of the request.
	srv := httptest.NewRequest(http.MethodPost, req.URL.RequestURI(), nil)
	srv.Host = req.URL.Host
	srv.Header = req.Header
	c, err := ParseCredentials(srv.Header)
	if err != nil || c.Kind != Signed {
		t.Fatalf("parse: %+v %v", c, err)
	}
	v := NewVerifier(0, NewNonceCache(0, 0, 0), func() time.Time { return now })
	acct, err := v.Verify(c, srv.Method, srv.Host, Target(srv))
	if err != nil || acct != alice.Address() {
		t.Fatalf("verify: %q %v", acct, err)
	}
	if _, err := v.Verify(c, srv.Method, srv.Host, Target(srv)); err != ErrReplay {
		t.Fatalf("the same request again: %v, want ErrReplay", err)
	}
}

func devAccount(t testing.TB, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
