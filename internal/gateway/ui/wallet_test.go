package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// walletLedger is a ledger on which alice funded her account, ran a job
// (escrow E1, settled), holds a second escrow (E2, open), paid bob, had
// a transfer rejected and opened a storage deal; bob has only alice's
// payment.
func walletLedger() *fakeLedger {
	l := newFakeLedger()
	l.accounts["5Alice"] = ledger.AccountView{Account: ledger.Account{Address: "5Alice", Balance: 93_740_000, Nonce: 5}}
	l.accounts["5Bob"] = ledger.AccountView{Account: ledger.Account{Address: "5Bob", Balance: 5_250_000}}
	l.escrows["E1"] = ledger.Escrow{ID: "E1", Owner: "5Alice", Amount: 5_000_000, State: ledger.EscrowSettled}
	l.escrows["E2"] = ledger.Escrow{ID: "E2", Owner: "5Alice", Amount: 2_000_000, State: ledger.EscrowAssigned}
	l.deals["5Alice"] = []ledger.Deal{
		{ID: "D1", Owner: "5Alice", State: ledger.DealOpen, Amount: 3_000_000, Balance: 3_000_000},
		{ID: "D0", Owner: "5Alice", State: ledger.DealClosed, Amount: 1_000_000},
	}
	failed := tx(36, "transfer", "5Alice", ev("transfer", "from", "5Alice", "to", "5Bob", "amount", "999"))
	failed.Code = 5
	pay := tx(35, "transfer", "5Alice", ev("transfer", "from", "5Alice", "to", "5Bob", "amount", "250000"))
	l.txs["5Alice"] = []api.TxResult{ // newest first
		tx(40, "storage_open", "5Alice", ev("storage_open", "deal", "D1", "owner", "5Alice", "amount", "3000000")),
		failed,
		pay,
		tx(30, "settle", "5Arbiter",
			ev("payout", "escrow", "E1", "job", "job-done", "provider", "5ProviderA", "amount", "1000000"),
			ev("settle", "escrow", "E1", "job", "job-done", "owner", "5Alice", "paid", "1000000", "fee", "10000", "refunded", "3990000")),
		tx(25, "escrow_lock", "5Alice", ev("escrow_lock", "id", "E2", "owner", "5Alice", "amount", "2000000")),
		tx(20, "escrow_lock", "5Alice", ev("escrow_lock", "id", "E1", "owner", "5Alice", "amount", "5000000")),
		tx(10, "transfer", "5Faucet", ev("transfer", "from", "5Faucet", "to", "5Alice", "amount", "100000000")),
	}
	l.txs["5Bob"] = []api.TxResult{pay}
	return l
}

// walletUI serves the pages with sign-in over the fixture and c.
func walletUI(t *testing.T, c Chain) *httptest.Server {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	opts := []Option{WithNotFound(errNotFound), WithSessions(sessions)}
	if c != nil {
		opts = append(opts, WithChain(c))
	}
	return newServer(t, asGateway(New(b, opts...)))
}

// getAs fetches path signed in with token and checks the page as
// getPage does.
func getAs(t *testing.T, srv *httptest.Server, token, path string, status int) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookieName(u.Host), Value: token, Path: "/"}})
	c := *srv.Client()
	c.Jar = jar
	res, body := fetch(t, &c, "GET", srv.URL+path, nil, nil)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body:\n%s", path, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	checkHTML(t, path, body)
	return body
}

// polylinePoints counts the points of each line of a page's charts.
var polylineRE = regexp.MustCompile(`<polyline [^>]*points="([^"]*)"`)

func polylinePoints(body string) []int {
	var out []int
	for _, m := range polylineRE.FindAllStringSubmatch(body, -1) {
		out = append(out, len(strings.Fields(m[1])))
	}
	return out
}

func TestWallet(t *testing.T) {
	l := walletLedger()
	srv := walletUI(t, l)
	body := getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body,
		`<code class="hash" id="wallet-account">5Alice</code>`,
		`<dd id="wallet-balance">$93.740000</dd>`,
		`<dd id="wallet-escrowed">$2.000000</dd>`, // E2 only: E1 was settled
		`<dd id="wallet-deals">$3.000000</dd>`,    // D1 only: D0 is closed
		"1 open escrow for jobs", "1 storage deal not closed",
		`<dd id="wallet-received">$100.000000</dd>`,
		`<dd id="wallet-paid">$1.260000</dd>`, // the job's cost and fee, and the transfer to bob
		`<title id="wallet-flows-title">Paid to you and by you</title>`,
		"Transactions 1 to 7 of 7",
		"&#43;$3.990000",       // the refund of E1 (the + escaped)
		"-$0.250000",           // the transfer to bob
		"job job-done settled", // its counterparty
		`<span class="phase phase-bad">failed</span>`,
	)
	if strings.Contains(body, "wallet-stake") {
		t.Error("the wallet of an account with no stake shows a stake")
	}
	if strings.Contains(body, "$0.000999") {
		t.Error("the wallet counts a rejected transfer")
	}
	// Three transactions paid alice or were paid by her (the faucet's
	// transfer, the settlement, the transfer to bob): each is a point of
	// both lines, after a first point at zero and before a last at the
	// chain's height.
	if got := polylinePoints(body); len(got) != 2 || got[0] != 5 || got[1] != 5 {
		t.Errorf("wallet chart: lines of %v points, want two of 5", got)
	}
	wantAll(t, "/wallet", body, ">height 10<", ">height 1234<")
	if l.askedAbout("escrow/E1") {
		t.Error("the wallet reads an escrow its history shows settled")
	}
	if strings.Contains(body, `rel="next"`) {
		t.Error("one page of transactions has a link to the next")
	}
}

// TestWalletOfProvider: an account that registered a provider sees its
// stake, a link to its provider's page, and what it earned.
func TestWalletOfProvider(t *testing.T) {
	l := walletLedger()
	a := l.accounts["5Alice"]
	a.Stake = 50_000_000
	l.accounts["5Alice"] = a
	l.providers = append(l.providers, ledger.ProviderView{Provider: ledger.Provider{Address: "5Alice", PeerID: peerB, Active: true, Stake: 50_000_000}})
	l.txs["5Alice"] = append([]api.TxResult{
		tx(45, "settle", "5Arbiter", ev("payout", "escrow", "E7", "job", "job-x", "provider", "5Alice", "amount", "700000")),
	}, l.txs["5Alice"]...)
	srv := walletUI(t, l)
	body := getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body,
		`<dd id="wallet-stake">$50.000000</dd>`,
		`your provider <a href="`+providerURL(peerB)+`">`,
		`<dd id="wallet-earned">$0.700000</dd>`,
		`<dd id="wallet-received">$100.700000</dd>`)
}

// TestWalletOnlyOwn: the wallet shows the signed-in account and no
// other, whatever the request asks, and reads nothing of another's.
func TestWalletOnlyOwn(t *testing.T) {
	l := walletLedger()
	srv := walletUI(t, l)
	for _, path := range []string{"/wallet?account=5Bob", "/wallet?address=5Bob&addr=5Bob"} {
		body := getAs(t, srv, aliceToken, path, http.StatusOK)
		wantAll(t, path, body, `id="wallet-account">5Alice<`, "$93.740000")
		if strings.Contains(body, "$5.250000") {
			t.Errorf("GET %s as alice shows bob's balance", path)
		}
	}
	if l.askedAbout("5Bob") {
		t.Errorf("alice's wallet asked the chain about bob: %v", l.questions())
	}
	body := getAs(t, srv, bobToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, `id="wallet-account">5Bob<`, `<dd id="wallet-balance">$5.250000</dd>`, "&#43;$0.250000")
	if strings.Contains(body, "$93.740000") {
		t.Error("bob's wallet shows alice's balance")
	}
	// Signed out, the wallet is the sign-in page's.
	res, _ := fetch(t, noRedirect(srv), "GET", srv.URL+"/wallet", nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Errorf("GET /wallet signed out: %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}
}

func noRedirect(srv *httptest.Server) *http.Client {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// TestWalletPages: a long history is paged, from the newest; the pages
// past the transactions the chart reads are asked of the chain.
func TestWalletPages(t *testing.T) {
	l := walletLedger()
	const n = maxChartTxs + 30
	var txs []api.TxResult
	for i := n; i >= 1; i-- { // newest first
		txs = append(txs, tx(int64(i), "transfer", "5Faucet", ev("transfer", "from", "5Faucet", "to", "5Alice", "amount", "1000000")))
	}
	l.txs["5Alice"] = txs
	srv := walletUI(t, l)

	body := getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, fmt.Sprintf("Transactions 1 to 20 of %d", n), `href="/wallet?page=2" rel="next"`,
		fmt.Sprintf("Page 1 of %d", (n+19)/20), fmt.Sprintf("Over your %d most recent transactions", maxChartTxs),
		fmt.Sprintf(`<dd id="wallet-received">$%d.000000</dd>`, maxChartTxs))
	if got := polylinePoints(body); len(got) != 2 || got[0] != maxChartTxs+2 {
		t.Errorf("wallet chart: lines of %v points, want %d", got, maxChartTxs+2)
	}
	if rows := strings.Count(body, `<span class="verdict-accepted">&#43;$1.000000</span>`); rows != walletTxsPerPage {
		t.Errorf("page 1 shows %d transactions, want %d", rows, walletTxsPerPage)
	}

	body = getAs(t, srv, aliceToken, "/wallet?page=2", http.StatusOK)
	wantAll(t, "/wallet?page=2", body, fmt.Sprintf("Transactions 21 to 40 of %d", n), `href="/wallet?page=1" rel="prev"`,
		fmt.Sprintf("<td>%d</td>", n-20)) // the 21st newest
	if l.askedAbout("txs/5Alice/2/") {
		t.Error("page 2 was asked of the chain though the chart's transactions hold it")
	}

	last := (n + 19) / 20
	body = getAs(t, srv, aliceToken, fmt.Sprintf("/wallet?page=%d", last), http.StatusOK)
	wantAll(t, "/wallet?page=last", body, fmt.Sprintf("Transactions %d to %d of %d", (last-1)*20+1, n, n), "<td>1</td>")
	if !l.askedAbout(fmt.Sprintf("txs/5Alice/%d/%d", last, walletTxsPerPage)) {
		t.Errorf("the last page was not asked of the chain: %v", l.questions())
	}
	if strings.Contains(body, `rel="next"`) {
		t.Error("the last page links a next one")
	}

	getAs(t, srv, aliceToken, fmt.Sprintf("/wallet?page=%d", last+1), http.StatusNotFound)
	for _, bad := range []string{"0", "-1", "x", "99999999999999999999"} {
		getAs(t, srv, aliceToken, "/wallet?page="+bad, http.StatusBadRequest)
	}
}

func TestWalletWithoutChainOrSignIn(t *testing.T) {
	srv := walletUI(t, nil)
	body := getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, "This network has no chain", "5Alice")

	// A gateway that signs no one in has no wallet to show.
	l := walletLedger()
	open, _ := newTestUI(t, l)
	body = getPage(t, open, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, "does not sign visitors in", "opensky wallet balance")
	if l.askedAbout(ledger.QueryAccount) {
		t.Error("the wallet of a gateway without sign-in read an account")
	}
}

func TestWalletChainTrouble(t *testing.T) {
	// A chain that cannot list transactions: the summary without the
	// escrows, which are found through them.
	srv := walletUI(t, plainLedger{walletLedger()})
	body := getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, `<dd id="wallet-balance">$93.740000</dd>`, `<dd id="wallet-escrowed">—</dd>`,
		"does not list an account's transactions")

	// A history that fails: a note, the rest of the page.
	l := walletLedger()
	l.historyErr = errors.New("tx search: secret detail")
	srv = walletUI(t, l)
	body = getAs(t, srv, aliceToken, "/wallet", http.StatusOK)
	wantAll(t, "/wallet", body, "$93.740000", "Your transactions could not be read")
	if strings.Contains(body, "secret detail") {
		t.Error("the wallet shows the chain's internal error")
	}

	// A chain that does not answer at all.
	l = walletLedger()
	l.err = errors.New("connection refused")
	srv = walletUI(t, l)
	body = getAs(t, srv, aliceToken, "/wallet", http.StatusServiceUnavailable)
	wantAll(t, "/wallet", body, "could not load your account from the chain")
}

// plainLedger is a fakeLedger that cannot list transactions.
type plainLedger struct {
	*fakeLedger
}

// TxHistory hides the fakeLedger's method of that name: with another
// signature, a plainLedger is no AccountHistory.
func (plainLedger) TxHistory() {}
