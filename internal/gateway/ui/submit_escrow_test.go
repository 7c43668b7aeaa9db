package ui

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Escrows of alice on escrowLedger; only escrowOK can pay for a job.
const (
	escrowOK      = "e-00000000000000000000000000000001"
	escrowBound   = "e-00000000000000000000000000000002"
	escrowOther   = "e-00000000000000000000000000000003"
	escrowSoon    = "e-00000000000000000000000000000004"
	escrowSettled = "e-00000000000000000000000000000005"
	escrowNewer   = "e-00000000000000000000000000000006"
)

// escrowLedger is a ledger at height 1234 whose arbiter is 5Arbiter, on
// which alice locked six escrows: two can pay (escrowNewer, escrowOK),
// one is bound to a job, one names another arbiter, one expires within
// the orchestrator's margin and one was settled.
func escrowLedger() *fakeLedger {
	l := newFakeLedger()
	h := l.info.Height
	open := func(id, arbiter string, amount, expires int64) ledger.Escrow {
		return ledger.Escrow{ID: id, Owner: "5Alice", Arbiter: arbiter, Amount: amount, State: ledger.EscrowOpen, ExpiresAt: expires}
	}
	l.escrows[escrowOK] = open(escrowOK, "5Arbiter", 2_020_000, h+1_000_000)
	l.escrows[escrowNewer] = open(escrowNewer, "5Arbiter", 1, h+escrowMargin+1)
	bound := open(escrowBound, "5Arbiter", 5_000_000, h+1_000_000)
	bound.State, bound.Job = ledger.EscrowAssigned, "job-done"
	l.escrows[escrowBound] = bound
	l.escrows[escrowOther] = open(escrowOther, "5Elsewhere", 5_000_000, h+1_000_000)
	l.escrows[escrowSoon] = open(escrowSoon, "5Arbiter", 5_000_000, h+escrowMargin)
	l.escrows[escrowSettled] = ledger.Escrow{ID: escrowSettled, Owner: "5Alice", Arbiter: "5Arbiter", State: ledger.EscrowSettled}
	lock := func(height int64, id string) api.TxResult {
		return tx(height, "escrow_lock", "5Alice", ev("escrow_lock", "id", id, "owner", "5Alice", "amount", "1"))
	}
	l.txs["5Alice"] = []api.TxResult{ // newest first
		lock(60, escrowNewer),
		tx(50, "settle", "5Arbiter", ev("settle", "escrow", escrowSettled, "owner", "5Alice", "refunded", "0")),
		lock(45, escrowSettled),
		lock(40, escrowSoon),
		lock(30, escrowOther),
		lock(20, escrowBound),
		lock(10, escrowOK),
	}
	return l
}

// escrowUI serves the pages with sign-in and the submit form over the
// fixture and c.
func escrowUI(t *testing.T, c Chain) (*httptest.Server, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	fixture(b)
	h := New(b, WithNotFound(errNotFound), WithPaymentRequired(errPaymentRequired), WithSessions(sessions), WithChain(c))
	return newServer(t, asGateway(h)), b
}

// postFormAs sends the submit form signed in with token.
func postFormAs(t *testing.T, srv *httptest.Server, token string, fields map[string]string) (*http.Response, string) {
	t.Helper()
	ct, body := multipartForm(t, fields, wasmModule)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/submit", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", srv.URL)
	req.AddCookie(&http.Cookie{Name: auth.SessionCookieName(strings.TrimPrefix(srv.URL, "http://")), Value: token})
	client := *srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

var optionRE = regexp.MustCompile(`<option value="(e-[0-9a-f]+)" data-amount="(\d+)"`)

// TestSubmitOffersEscrows: a signed-in visitor of a paying network picks
// from the escrows of theirs that can pay, newest first, each with what
// it holds and pays, with the job's worst case beside; the job names the
// escrow picked.
func TestSubmitOffersEscrows(t *testing.T) {
	l := escrowLedger()
	srv, b := escrowUI(t, l)
	body := getAs(t, srv, aliceToken, "/submit", http.StatusOK)
	var offered []string
	for _, m := range optionRE.FindAllStringSubmatch(body, -1) {
		offered = append(offered, m[1]+"="+m[2])
	}
	if want := []string{escrowNewer + "=1", escrowOK + "=2020000"}; strings.Join(offered, " ") != strings.Join(want, " ") {
		t.Fatalf("offered escrows %v, want %v", offered, want)
	}
	wantAll(t, "/submit", body, `<label for="escrow">Pay from escrow</label>`,
		"$2.020000 locked, pays up to $2.000000 of work, expires in 1,000,000 blocks",
		"more than 20,000 blocks left", `id="escrow-fit"`, "This network charges for jobs",
		// The first offered escrow, $0.000001, cannot cover any job.
		"more than this escrow holds ($0.000001)")
	if l.askedAbout("5Bob") {
		t.Error("alice's form asked the chain about bob")
	}

	tok := tokenRE.FindStringSubmatch(body)[1]
	res, page := postFormAs(t, srv, aliceToken, map[string]string{tokenField: tok, "escrow": escrowOK})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit with escrow: %d\n%s", res.StatusCode, page)
	}
	subs := b.submissions()
	if len(subs) != 1 || subs[0].Escrow != escrowOK {
		t.Fatalf("submitted %+v, want one job paid from %s", subs, escrowOK)
	}

	// A malformed escrow is the spec's problem, beside the field.
	res, page = postFormAs(t, srv, aliceToken, map[string]string{tokenField: tok, "escrow": "e-nope"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="escrow-error"`) {
		t.Fatalf("malformed escrow: %d\n%s", res.StatusCode, page)
	}
}

// TestSubmitWithoutEscrows: a visitor with no escrow that can pay is told
// how to lock one; one whose escrows cannot be read types an ID.
func TestSubmitWithoutEscrows(t *testing.T) {
	l := escrowLedger()
	srv, _ := escrowUI(t, l)
	body := getAs(t, srv, bobToken, "/submit", http.StatusOK)
	wantAll(t, "/submit", body, `id="escrow-none"`, "<code>opensky escrow lock 2.00</code>", "opensky escrow list")
	if strings.Contains(body, `name="escrow"`) {
		t.Error("bob, who has no escrow, is offered one")
	}

	l.historyErr = errors.New("the node is down")
	body = getAs(t, srv, aliceToken, "/submit", http.StatusOK)
	wantAll(t, "/submit", body, `<label for="escrow">Escrow ID</label>`, "could not be read")

	// A chain without an arbiter does not charge: no payment part.
	free := newFakeLedger()
	free.info.Arbiter = ""
	srv, _ = escrowUI(t, free)
	body = getAs(t, srv, aliceToken, "/submit", http.StatusOK)
	if strings.Contains(body, `id="payment"`) || strings.Contains(body, "charges for jobs") {
		t.Errorf("a free network's form asks for payment:\n%s", body)
	}
}

func TestSpendable(t *testing.T) {
	for _, c := range []struct{ amount, fee, want int64 }{
		{2_020_000, 100, 2_000_000},
		{1_010_000, 100, 1_000_000},
		{1, 100, 0},
		{0, 100, 0},
		{5_000_000, 0, 5_000_000},
	} {
		got := spendable(c.amount, c.fee)
		if got != c.want {
			t.Errorf("spendable(%d, %d) = %d, want %d", c.amount, c.fee, got, c.want)
		}
		if got > 0 && got+ledger.Fee(got, c.fee) > c.amount {
			t.Errorf("spendable(%d, %d) = %d does not fit with its fee", c.amount, c.fee, got)
		}
	}
	if got := groupDigits(1234567); got != "1,234,567" {
		t.Errorf("groupDigits = %q", got)
	}
}
