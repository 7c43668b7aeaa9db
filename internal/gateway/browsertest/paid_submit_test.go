package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// lockEscrow funds acct from the local network's faucet and locks amount
// in escrow with the gateway's arbiter, as `opensky escrow lock` does;
// it returns the escrow's ID.
func lockEscrow(t *testing.T, base string, acct *identity.Account, amount int64) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := api.NewClient(base, api.WithAccount(acct))
	if _, err := c.Faucet(ctx, acct.Address()); err != nil {
		t.Fatalf("faucet: %v", err)
	}
	info, err := c.ChainInfo(ctx)
	if err != nil || info.Arbiter == "" {
		t.Fatalf("chain info %+v: %v; the network must charge for jobs", info, err)
	}
	a, err := c.Account(ctx, acct.Address())
	if err != nil {
		t.Fatalf("account: %v", err)
	}
	tx, err := ledger.NewTx(acct, info.ChainID, a.Nonce, &ledger.MsgLock{Arbiter: info.Arbiter, Amount: amount, ExpiresIn: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.BroadcastTx(ctx, tx)
	if err != nil {
		t.Fatalf("lock %s: %v", ledger.FormatUSD(amount), err)
	}
	id := ledger.EscrowID(acct.PublicKey(), a.Nonce)
	if res.Data != "" && res.Data != id {
		t.Fatalf("the chain locked escrow %s, want %s", res.Data, id)
	}
	return id
}

// TestPaidSubmitForm: on a network that charges for jobs, the submit
// form offers the signed-in account's escrow with the job's worst case
// beside it; the job submitted through the form names the escrow picked,
// is paid from it, and reaches completed.
func TestPaidSubmitForm(t *testing.T) {
	n := chainNet(t)
	escrow := lockEscrow(t, n.URL, browserAccount(t), 2*ledger.USD)

	p := newPage(t, n.URL)
	p.open("/submit")
	p.expectTitle("Submit a job · OpenSky", "Submit")
	p.expectText("This network charges for jobs", "Pay from escrow")
	option := `#escrow option[value=` + strconv.Quote(escrow) + `]`
	if !eval[bool](p, `document.querySelector(`+strconv.Quote(option)+`) !== null`) {
		t.Fatalf("/submit does not offer escrow %s; it shows:\n%s", escrow, p.text("main"))
	}
	if label := eval[string](p, `document.querySelector(`+strconv.Quote(option)+`).textContent`); !strings.Contains(label, "$2.000000 locked") {
		t.Errorf("escrow option %q, want what it holds", label)
	}
	if !eval[bool](p, `(e => e.labels.length > 0 && e.labels[0].textContent.trim() === "Pay from escrow")(document.getElementById("escrow"))`) {
		t.Error("the escrow picker has no label")
	}
	run(p, "pick the escrow", chromedp.SetValue(chromedp.CSS("#escrow"), escrow))
	run(p, "announce the pick", chromedp.Evaluate[bool](`document.getElementById("escrow").dispatchEvent(new Event("change"))`))
	p.waitUntil("the worst case beside the escrow", `/Worst case for this job: \$[0-9.]+ .*This escrow holds \$2\.000000/.test(document.getElementById("escrow-fit").textContent)`, actionTimeout)

	id := submitJobForm(t, p, "paid-from-the-form", "paid for from the browser\n")
	run(p, "wait for the page", chromedp.WaitReady(chromedp.CSS("main#main")))
	p.expectText(escrow)

	j := await(t, n.Gateway.Orchestrator, id)
	if j.Spec.Escrow != escrow || j.Payment == nil || j.Payment.Escrow != escrow {
		t.Fatalf("job %s: spec escrow %q, payment %+v; want paid from %s", j.ID, j.Spec.Escrow, j.Payment, escrow)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := api.NewClient(n.URL, api.WithAccount(browserAccount(t))).Escrow(ctx, escrow)
	if err != nil || e.Job != j.ID {
		t.Fatalf("escrow %s: %+v, %v; want bound to %s", escrow, e, err, j.ID)
	}

	// The escrow now pays for that job: the form no longer offers it.
	p.open("/submit")
	if eval[bool](p, `document.querySelector(`+strconv.Quote(option)+`) !== null`) {
		t.Errorf("/submit still offers escrow %s, bound to job %s", escrow, j.ID)
	}
}
