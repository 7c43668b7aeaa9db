package browsertest

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
)

// The tests' account: the pages sign in as it, and the jobs the tests
// submit are its.
var account struct {
	once sync.Once
	acct *identity.Account
	err  error
}

func browserAccount(t *testing.T) *identity.Account {
	t.Helper()
	account.once.Do(func() { account.acct, account.err = identity.AccountFromURI("//BrowserTests") })
	if account.err != nil {
		t.Fatalf("the tests' account: %v", account.err)
	}
	return account.acct
}

// tokens are the API tokens of the tests' account, one per gateway (by
// base URL), made on first use: "" for a gateway that does not require
// authentication.
var tokens struct {
	mu     sync.Mutex
	byBase map[string]string
}

// sessionToken returns the tests' token for the gateway at base, making
// it with a request signed by the tests' account, as `opensky token
// create` does.
func sessionToken(t *testing.T, base string) string {
	t.Helper()
	tokens.mu.Lock()
	defer tokens.mu.Unlock()
	if tok, ok := tokens.byBase[base]; ok {
		return tok
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := api.NewClient(base).Node(ctx)
	if err != nil {
		t.Fatalf("node info of %s: %v", base, err)
	}
	tok := ""
	if n.Auth != nil && n.Auth.Required {
		nt, err := api.NewClient(base, api.WithAccount(browserAccount(t))).CreateToken(ctx, api.TokenRequest{Name: "browser tests"})
		if err != nil {
			t.Fatalf("make an API token on %s: %v", base, err)
		}
		tok = nt.Value
	}
	if tokens.byBase == nil {
		tokens.byBase = map[string]string{}
	}
	tokens.byBase[base] = tok
	return tok
}

// The sign-in form's controls.
const (
	tokenInput   = `#signin-form input[name="token"]`
	signinButton = `#signin-form button[type="submit"]`
	signoutBtn   = `#signout-form button[type="submit"]`
)

// signIn pastes token into the sign-in page and sends it, as a person
// does, and waits for the dashboard.
func (p *page) signIn(token string) {
	p.t.Helper()
	p.open("/signin")
	run(p, "paste the token", chromedp.SendKeys(chromedp.CSS(tokenInput), token))
	p.arrived("/")
	run(p, "sign in", chromedp.Click(chromedp.CSS(signinButton)))
	p.waitUntil("signed in", `location.pathname === "/" && document.querySelector("#signout-form") !== null`, actionTimeout)
	run(p, "wait for main", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.assertClean()
}

// forgetSession deletes the gateway's session cookie from the browser,
// which its tabs share: the tab is then signed out.
func (p *page) forgetSession() {
	p.t.Helper()
	name := auth.SessionCookieName(p.base.Host)
	run(p, "forget the session", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: p.base.String()})
		return err
	}))
}

// TestSignInOut: a visitor without a session is sent to the sign-in page,
// which explains how to get a token; a wrong token is refused with a
// message, the right one signs in and brings the visitor back to the page
// asked for; signing out ends the session.
func TestSignInOut(t *testing.T) {
	n := freeNet(t)
	job := finishedJob(t)
	tok := sessionToken(t, n.URL)
	if tok == "" {
		t.Skip("the gateway does not require authentication: nothing to sign in to")
	}
	p := newSignedOutPage(t, n.URL)
	p.forgetSession()
	p.open("/jobs/" + job.ID)
	p.expectTitle("Sign in · OpenSky", "Sign in")
	p.expectText("opensky token create")
	if !eval[bool](p, `(e => e.labels.length > 0 && e.labels[0].textContent.trim() === "API token")(document.querySelector(`+strconv.Quote(tokenInput)+`))`) {
		t.Error("the token field has no label")
	}

	p.expect("/signin") // the refused attempt answers 401
	run(p, "paste a wrong token", chromedp.SendKeys(chromedp.CSS(tokenInput), "osk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
	p.arrived("/signin")
	run(p, "sign in", chromedp.Click(chromedp.CSS(signinButton)))
	p.waitUntil("the refusal", `document.getElementById("signin-error") !== null`, actionTimeout)
	if got := eval[string](p, `document.activeElement === document.body ? "" : document.getElementById("signin-error").getAttribute("role")`); got != "alert" && got != "" {
		t.Errorf("the refusal's role %q, want alert", got)
	}

	run(p, "paste the token", chromedp.SendKeys(chromedp.CSS(tokenInput), tok))
	p.arrived("/jobs/" + job.ID)
	// Sent with the keyboard: Enter in the field submits the form.
	run(p, "press Enter", chromedp.KeyEvent("\r"))
	p.waitUntil("the job's page", `location.pathname === "/jobs/`+job.ID+`" && document.getElementById("job-phase") !== null`, actionTimeout)
	run(p, "wait for main", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.expectText("Summary")
	if got := p.text("#signout-form .session-account"); got == "" {
		t.Error("the header does not say who is signed in")
	}

	p.arrived("/signin")
	run(p, "sign out", chromedp.Click(chromedp.CSS(signoutBtn)))
	p.waitUntil("the sign-in page", `location.pathname === "/signin"`, actionTimeout)
	p.open("/jobs")
	p.expectTitle("Sign in · OpenSky", "Sign in")
}
