package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// TestWalletPage funds the tests' account from the local network's
// faucet and opens its wallet: the balance is the chain's, the faucet's
// payment is on the chart and in the transactions, and the page fits a
// phone.
func TestWalletPage(t *testing.T) {
	n := chainNet(t)
	acct := browserAccount(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := api.NewClient(n.URL, api.WithAccount(acct))
	if _, err := c.Faucet(ctx, acct.Address()); err != nil {
		t.Fatalf("faucet: %v", err)
	}
	av, err := c.Account(ctx, acct.Address())
	if err != nil {
		t.Fatalf("account: %v", err)
	}

	p := newPage(t, n.URL)
	p.open("/wallet")
	p.expectTitle("Wallet · OpenSky", "Wallet")
	if got := p.text("#wallet-account"); got != acct.Address() {
		t.Errorf("/wallet: account %q, want the signed-in %s", got, acct.Address())
	}
	if got := p.text("#wallet-balance"); got != ledger.FormatUSD(av.Balance) {
		t.Errorf("/wallet: balance %q, want the chain's %s", got, ledger.FormatUSD(av.Balance))
	}
	p.expectText("Held in escrows", "Locked in storage deals", "Paid to you and by you", "Transactions")
	if got := p.text("#wallet-received"); got == "$0.000000" {
		t.Errorf("/wallet: paid to you %q after the faucet's payment", got)
	}
	if pts := eval[int](p, `(document.querySelector('main figure svg polyline')?.getAttribute("points") ?? "").trim().split(/\s+/).filter(Boolean).length`); pts < 2 {
		t.Errorf("/wallet: the chart's line has %d points, want at least 2", pts)
	}
	faucet := `[...document.querySelectorAll("#wallet-txs tbody tr")].filter(tr => tr.cells[1].textContent.trim().endsWith("transfer") && tr.cells[2].textContent.includes("+` + ledger.FormatUSD(100*ledger.USD) + `")).length`
	if got := eval[int](p, faucet); got < 1 {
		t.Errorf("/wallet: no transfer of +%s in the transactions", ledger.FormatUSD(100*ledger.USD))
	}
	if hdrs := eval[int](p, `document.querySelectorAll('#wallet-txs thead th[scope="col"]').length`); hdrs != 5 {
		t.Errorf("/wallet: %d column headers, want 5", hdrs)
	}

	p.emulatePhone()
	p.open("/wallet")
	p.expectPhoneFit()
}

// TestProviderPage opens a provider's page on the local network with a
// chain: its resources as it announces them, its stake and account as
// the chain has them; the page fits a phone.
func TestProviderPage(t *testing.T) {
	n := chainNet(t)
	peer := n.Providers[0].Host.ID().String()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pv, err := api.NewClient(n.URL, api.WithAccount(browserAccount(t))).ChainProvider(ctx, peer)
	if err != nil {
		t.Fatalf("provider %s on the chain: %v", peer, err)
	}

	p := newPage(t, n.URL)
	p.open("/providers/" + peer)
	p.expectTitle("Provider "+peer[:16]+"… · OpenSky", "Provider")
	if got := p.text("#provider-peer"); got != peer {
		t.Errorf("provider page: peer %q, want %s", got, peer)
	}
	if got := p.text("#provider-status"); got != "online" {
		t.Errorf("provider page: status %q, want online", got)
	}
	if got := p.text("#provider-stake"); got != ledger.FormatUSD(pv.Stake) || pv.Stake <= 0 {
		t.Errorf("provider page: stake %q, want the chain's %s", got, ledger.FormatUSD(pv.Stake))
	}
	if got := p.text("#provider-account"); got != pv.Address {
		t.Errorf("provider page: account %q, want %s", got, pv.Address)
	}
	if got := p.text("#provider-reputation"); !strings.HasSuffix(got, "%") {
		t.Errorf("provider page: reputation %q, want a percentage", got)
	}
	// The network's providers offer 2 CPUs each (net_test.go).
	if got := eval[string](p, `document.querySelector("#provider-capacity tbody tr").cells[2].textContent.trim()`); got != "2 cores" {
		t.Errorf("provider page: CPU offered %q, want 2 cores", got)
	}
	p.expectText("Resources", "On the chain", "Registration", "Earnings", "Jobs paid")
	// The network runs no paid job here: no earnings to chart yet.
	if jobs := p.text("#provider-jobs"); jobs == "0" {
		p.expectText("No job or storage payment yet")
	} else if n := eval[int](p, `document.querySelectorAll("main figure svg polyline").length`); n != 1 {
		t.Errorf("provider page: paid for %s jobs, and %d lines of earnings, want 1", jobs, n)
	}

	p.emulatePhone()
	p.open("/providers/" + peer)
	p.expectPhoneFit()

	// An unknown peer is a 404 page, not a failure of the page's assets.
	unknown := "/providers/12D3KooWNobodyNobodyNobodyNobody" + strconv.Itoa(len(peer))
	p.expect(unknown)
	status := run(p, "fetch "+unknown, chromedp.Evaluate[int](`fetch(`+strconv.Quote(unknown)+`).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 404 {
		t.Errorf("GET %s: status %d, want 404", unknown, status)
	}
}
