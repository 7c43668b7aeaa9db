package ui

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
)

// providerLedger is a ledger on which provider A was paid for two jobs
// (one of them twice, for two tasks) and one storage period, and also
// received a transfer, which is no earning.
func providerLedger() *fakeLedger {
	l := newFakeLedger()
	l.txs["5ProviderA"] = []api.TxResult{ // newest first
		tx(90, "audit_deal", "5Arbiter", ev("storage_pay", "deal", "DEAL1", "period", "1", "index", "0", "provider", "5ProviderA", "amount", "400000", "fee", "4000")),
		tx(80, "transfer", "5Someone", ev("transfer", "from", "5Someone", "to", "5ProviderA", "amount", "7000000")),
		tx(70, "settle", "5Arbiter",
			ev("payout", "escrow", "E9", "job", "job-b", "provider", "5ProviderA", "amount", "600000"),
			ev("payout", "escrow", "E9", "job", "job-b", "provider", "5ProviderA", "amount", "500000"),
			ev("payout", "escrow", "E9", "job", "job-b", "provider", "5ProviderX", "amount", "999000")),
		tx(60, "settle", "5Arbiter", ev("payout", "escrow", "E8", "job", "job-a", "provider", "5ProviderA", "amount", "1000000")),
		tx(50, "register", "5ProviderA", ev("register", "provider", "5ProviderA", "peer", peerA, "stake", "250000000")),
	}
	return l
}

func TestProviderPage(t *testing.T) {
	b := newFakeBackend()
	fixture(b)
	b.providers[0].Labels = map[string]string{"region": "eu-west", "zone": "<b>z1</b>"}
	b.providers[0].MinPrice = 80
	b.providers[0].Storage = &api.StorageOffer{TotalBytes: 10 << 30, FreeBytes: 4 << 30, PricePerGBMonth: 2_000_000}
	l := providerLedger()
	srv := newServer(t, New(b, WithNotFound(errNotFound), WithChain(l)))

	path := providerURL(peerA)
	body := getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body,
		"<title>Provider "+shortID(peerA)+" · OpenSky</title>",
		`<code class="hash" id="provider-peer">`+peerA+`</code>`,
		`<span id="provider-status" class="phase phase-ok">online</span>`,
		"<td>3 cores</td><td>4 cores</td>",  // CPU free, offered
		"<td>4.0 GiB</td><td>10.0 GiB</td>", // storage free, offered
		`<dd id="provider-price">$0.000100 <span class="muted">(takes no less than $0.000080)</span></dd>`,
		`<dd id="provider-storage-price">$2.000000</dd>`,
		"<dt><code>region</code></dt><dd><code>eu-west</code></dd>",
		"<dd><code>&lt;b&gt;z1&lt;/b&gt;</code></dd>", // a label is text, never markup
		`<dd id="provider-stake">$250.000000</dd>`,
		`<dd id="provider-reputation">87.5%</dd>`,
		`<code class="hash" id="provider-account">5ProviderA</code>`,
		`<dd id="provider-window-earned">$2.500000</dd>`, // 0.6 + 0.5 + 1 + 0.4; not the transfer, not X's payout
		`<dd id="provider-jobs">2</dd>`,
		`<dd id="provider-deals">1</dd>`,
		"<td>storage deal DEAL1 period 1</td><td>$0.400000</td>",
		"<td>job job-a</td><td>$1.000000</td>",
		`<title id="provider-earnings-title">Earnings</title>`,
	)
	// Three transactions paid A (the storage audit, two settlements): the
	// chart's line has a first point at zero, one for each, and a last at
	// the chain's height.
	if got := polylinePoints(body); len(got) != 1 || got[0] != 5 {
		t.Errorf("earnings chart: lines of %v points, want one of 5", got)
	}
	if strings.Contains(body, "$7.000000") || strings.Contains(body, "$0.999000") {
		t.Error("the provider's page counts a transfer or another provider's payout as earned")
	}

	// Registered, offline.
	path = providerURL(peerC)
	body = getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body, `class="phase phase-off">offline</span>`, "its resources are unknown",
		`<dd id="provider-stake">$100.000000</dd>`, "No job or storage payment yet")

	// Online, not registered.
	path = providerURL(peerB)
	body = getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body, ">online</span>", `id="provider-unregistered"`, "<td>2 cores</td><td>2 cores</td>")
	if strings.Contains(body, "provider-earnings") {
		t.Error("an unregistered provider's page has an earnings chart")
	}
}

func TestProviderPageNotFound(t *testing.T) {
	srv, _ := newTestUI(t, newFakeChain())
	for _, p := range []string{
		"/providers/12D3KooWNobodyNobodyNobodyNobodyNobodyNobodyNobody",
		"/providers/not%20a%20peer",
		"/providers/" + strings.Repeat("A", maxPeerLen+1),
		"/providers/%3Cscript%3E",
	} {
		body := getPage(t, srv, p, http.StatusNotFound)
		wantAll(t, p, body, "Provider not found")
		if strings.Contains(body, "<script>") {
			t.Errorf("GET %s: the page echoes the path as markup", p)
		}
	}
}

func TestProviderPageWithoutChain(t *testing.T) {
	srv, _ := newTestUI(t, nil)
	path := providerURL(peerA)
	body := getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body, ">online</span>", "<td>3 cores</td><td>4 cores</td>")
	for _, s := range []string{"On the chain", "provider-stake", "Earnings"} {
		if strings.Contains(body, s) {
			t.Errorf("the page of a provider on a network without a chain shows %q", s)
		}
	}
	// Offline providers are known only to the chain.
	getPage(t, srv, providerURL(peerC), http.StatusNotFound)
}

func TestProviderPageChainDown(t *testing.T) {
	l := providerLedger()
	l.err = errors.New("connection refused")
	srv, _ := newTestUI(t, l)
	path := providerURL(peerA)
	body := getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body, ">online</span>", "The chain did not answer")
	// An offline provider cannot be found without the chain.
	getPage(t, srv, providerURL(peerC), http.StatusServiceUnavailable)

	// Payments that cannot be read: a note, the rest of the page.
	l = providerLedger()
	l.historyErr = errors.New("tx search failed")
	srv, _ = newTestUI(t, l)
	body = getPage(t, srv, path, http.StatusOK)
	wantAll(t, path, body, `<dd id="provider-stake">$250.000000</dd>`, "payments could not be read")
}

// TestProviderPageSignedIn: any signed-in account sees any provider.
func TestProviderPageSignedIn(t *testing.T) {
	srv := walletUI(t, providerLedger())
	body := getAs(t, srv, bobToken, providerURL(peerA), http.StatusOK)
	wantAll(t, providerURL(peerA), body, `<dd id="provider-stake">$250.000000</dd>`)
}
