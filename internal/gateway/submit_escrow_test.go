package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Escrows of the ownership tests.
const (
	aliceEscrow   = "e-0123456789abcdef0123456789abcdef"
	missingEscrow = "e-ffffffffffffffffffffffffffffffff"
)

// escrowGateway is an authenticating gateway with a chain on which alice
// locked aliceEscrow, open, with the gateway's arbiter.
func escrowGateway(t *testing.T, opts ...Option) *authGateway {
	t.Helper()
	alice, _ := accounts(t)
	c := newFakeChain()
	e, err := json.Marshal(ledger.Escrow{ID: aliceEscrow, Owner: alice.Address(), Arbiter: testAddress,
		Amount: 2 * ledger.USD, State: ledger.EscrowOpen, ExpiresAt: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	c.answers[ledger.QueryEscrow+aliceEscrow] = string(e)
	return newAuthGateway(t, nil, append([]Option{WithChain(c)}, opts...)...)
}

func specWithEscrow(escrow string) []byte {
	return []byte(`{"apiVersion":"opensky/v1","engine":"wasm","module":"` + moduleRef + `","escrow":"` + escrow + `"}`)
}

// TestSubmitOtherAccountsEscrow: a job that names another account's
// escrow is refused with 402 before it reaches the orchestrator, whether
// the request is signed or carries a token; the escrow's owner is
// served; an escrow the chain does not know is refused too.
func TestSubmitOtherAccountsEscrow(t *testing.T) {
	alice, bob := accounts(t)
	g := escrowGateway(t)
	bobToken := g.newToken(bob, "script")

	for name, who := range map[string]as{"signed": {acct: bob}, "token": {token: bobToken}} {
		resp, data := g.do(who, "POST", "/api/v1/jobs", specWithEscrow(aliceEscrow))
		e := wantError(t, resp, data, http.StatusPaymentRequired, codePaymentRequired)
		if !strings.Contains(e.Message, aliceEscrow) || !strings.Contains(e.Message, bob.Address()) || !strings.Contains(e.Message, "submitter's escrow") {
			t.Errorf("%s: message %q does not say whose escrow it is", name, e.Message)
		}
		if !strings.Contains(e.Hint, "opensky escrow lock") || !strings.Contains(e.Hint, "opensky escrow list") {
			t.Errorf("%s: hint %q", name, e.Hint)
		}
	}
	resp, data := g.do(as{acct: bob}, "POST", "/api/v1/jobs", specWithEscrow(missingEscrow))
	if e := wantError(t, resp, data, http.StatusPaymentRequired, codePaymentRequired); !strings.Contains(e.Message, "does not exist") {
		t.Errorf("unknown escrow: %q", e.Message)
	}
	if n := len(g.b.submitted); n != 0 {
		t.Fatalf("%d refused jobs reached the backend", n)
	}

	resp, data = g.do(as{acct: alice}, "POST", "/api/v1/jobs", specWithEscrow(aliceEscrow))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the escrow's owner: %d %s", resp.StatusCode, data)
	}
	if j := decode[api.Job](t, data); j.Owner != alice.Address() || len(g.b.submitted) != 1 || g.b.submitted[0].Escrow != aliceEscrow {
		t.Fatalf("the owner's job %+v, backend got %d", j, len(g.b.submitted))
	}
	// A job without an escrow is the orchestrator's to judge.
	resp, data = g.do(as{acct: bob}, "POST", "/api/v1/jobs", []byte(validSpecJSON))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("a job without an escrow: %d %s", resp.StatusCode, data)
	}
}

// TestSubmitFormOtherAccountsEscrow: the web interface's submit form
// goes through the same check: bob, signed in, cannot pay with alice's
// escrow by naming it in the form.
func TestSubmitFormOtherAccountsEscrow(t *testing.T) {
	_, bob := accounts(t)
	g := escrowGateway(t, WithUI())
	c := signedInClient(t, g, g.newToken(bob, "browser"))

	res, page := clientGet(t, c, g.ts.URL+"/submit")
	m := csrfRE.FindStringSubmatch(page)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("submit page: %d\n%s", res.StatusCode, page)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf_token": m[1], "escrow": aliceEscrow} {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("module", "m.wasm")
	_, _ = fw.Write([]byte("\x00asm\x01\x00\x00\x00"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", g.ts.URL+"/submit", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", g.ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusPaymentRequired || !strings.Contains(string(data), "submitter") {
		t.Fatalf("form naming alice's escrow: %d\n%s", res.StatusCode, data)
	}
	if n := len(g.b.submitted); n != 0 {
		t.Fatalf("the form's job reached the backend with alice's escrow (%d jobs)", n)
	}
}

// signedInClient returns a client whose cookie jar holds a session for
// token on g, and which does not follow redirects.
func signedInClient(t *testing.T, g *authGateway, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(g.ts.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookieName(u.Host), Value: token, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// clientGet fetches u with c and returns the response and its body.
func clientGet(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(data)
}
