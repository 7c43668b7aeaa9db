package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
)

// On a network that charges for jobs, a job is paid from an escrow its
// owner locked with the gateway's arbiter (`opensky escrow lock`). The
// browser holds no wallet, so it cannot lock one; the submit form offers
// the signed-in account's escrows that can still pay for a job, and the
// job names the one picked. The gateway checks that the escrow is the
// submitter's before the job goes anywhere.

// escrowMargin is how many blocks an escrow must have left before it
// expires for the orchestrator to take a job paid from it (its default
// EscrowMargin): anyone may return an expired escrow to its owner, so it
// must outlive the job and its settlement.
const escrowMargin = 20_000

// lockHint is the command that locks an escrow, as the pages show it.
const lockHint = "opensky escrow lock 2.00"

// escrowChoice is one escrow the submit form offers.
type escrowChoice struct {
	ID        string
	Amount    int64 // what it holds
	Budget    int64 // the most it pays providers, once the fee is added
	ExpiresIn int64 // blocks
}

// Label is the option's text: the escrow, what it holds and pays, and
// when it expires.
func (e escrowChoice) Label() string {
	return fmt.Sprintf("%s: %s locked, pays up to %s of work, expires in %s blocks",
		shortID(e.ID), ledger.FormatUSD(e.Amount), ledger.FormatUSD(e.Budget), groupDigits(e.ExpiresIn))
}

// paymentView is the payment part of the submit form.
type paymentView struct {
	// Charged: the network charges for jobs (it has a chain with an
	// arbiter), so the job must name an escrow.
	Charged bool
	// Listed: the signed-in account's escrows were read; Escrows are
	// those that can pay for a job now.
	Listed  bool
	Escrows []escrowChoice
	// Selected is the escrow the form names.
	Selected string
	// Problem says why the escrows could not be listed.
	Problem string
	Lock    string // the command that locks one
	FeeBps  int64
	// Fit compares the job's worst case with the escrow picked.
	Fit string
}

// paymentFor works out what the submit form says about paying for a
// job, for the visitor of r, with the form naming selected.
func (h *Handler) paymentFor(r *http.Request, selected string) paymentView {
	v := paymentView{Selected: selected, Lock: lockHint}
	if h.chain == nil {
		return v
	}
	ctx := r.Context()
	info, err := h.chain.ChainInfo(ctx)
	if err != nil {
		h.log.Warn("submit form: chain info failed", "err", err)
		v.Charged, v.Problem = true, "The chain did not answer: your escrows could not be listed."
		return v
	}
	if info.Arbiter == "" {
		return v
	}
	v.Charged, v.FeeBps = true, info.FeeBps
	acct, ok := auth.AccountFrom(ctx)
	hist, hasHistory := h.chain.(AccountHistory)
	switch {
	case h.sessions == nil || !ok:
		v.Problem = "Sign-in is off on this gateway, so it cannot tell which escrows are yours: type the escrow's ID."
		return v
	case !hasHistory:
		v.Problem = "This chain does not list an account's transactions, so your escrows cannot be found: type the escrow's ID."
		return v
	}
	escrows, err := payableEscrows(ctx, h.chain, hist, acct, info)
	if err != nil {
		h.log.Warn("submit form: escrows failed", "account", acct, "err", err)
		v.Problem = "Your escrows could not be read from the chain: type the escrow's ID, or reload the page."
		return v
	}
	v.Listed, v.Escrows = true, escrows
	return v
}

// payableEscrows lists acct's escrows that can pay for a job on this
// gateway now: open, not bound to a job, with the gateway's arbiter and
// more than escrowMargin blocks left. They are found from the escrows
// the account's recent transactions locked, newest first.
func payableEscrows(ctx context.Context, c Chain, hist AccountHistory, acct string, info api.ChainInfo) ([]escrowChoice, error) {
	page, err := hist.TxHistory(ctx, acct, 1, maxChartTxs)
	if err != nil {
		return nil, fmt.Errorf("transactions of %s: %w", acct, err)
	}
	txs := page.Txs[:min(len(page.Txs), maxChartTxs)]
	ids := lockedEscrows(txs, acct)
	if len(ids) > maxEscrowLookups {
		ids = ids[:maxEscrowLookups]
	}
	var out []escrowChoice
	for _, id := range ids {
		var e ledger.Escrow
		if err := chainQuery(ctx, c, ledger.QueryEscrow+id, &e); err != nil {
			return nil, fmt.Errorf("escrow %s: %w", id, err)
		}
		left := e.ExpiresAt - info.Height
		if e.Owner != acct || e.Arbiter != info.Arbiter || e.State != ledger.EscrowOpen || e.Job != "" || left <= escrowMargin {
			continue
		}
		out = append(out, escrowChoice{ID: e.ID, Amount: e.Amount, Budget: spendable(e.Amount, info.FeeBps), ExpiresIn: left})
	}
	return out, nil
}

// lockedEscrows lists the escrows that txs (newest first) show acct
// locking and that they do not show settled or expired, newest first.
func lockedEscrows(txs []api.TxResult, acct string) []string {
	closed := map[string]bool{}
	var open []string
	for _, r := range txs {
		if r.Code != uint32(ledger.CodeOK) {
			continue
		}
		for _, e := range r.Events {
			switch e.Type {
			case "settle":
				closed[e.Attrs["escrow"]] = true
			case "escrow_expire":
				closed[e.Attrs["id"]] = true
			case "escrow_lock":
				if id := e.Attrs["id"]; e.Attrs["owner"] == acct && id != "" && !closed[id] {
					open = append(open, id)
					closed[id] = true // listed once
				}
			}
		}
	}
	return open
}

// spendable is the most an escrow of amount pays providers once the
// protocol fee on what it pays is added, as the orchestrator reckons it.
func spendable(amount, feeBps int64) int64 {
	if amount <= 0 || feeBps < 0 {
		return 0
	}
	d := 10000 + feeBps
	paid := amount/d*10000 + amount%d*10000/d // amount*10000/d without overflow
	for paid > 0 && paid+ledger.Fee(paid, feeBps) > amount {
		paid--
	}
	return paid
}

// groupDigits writes n with thousands separated by commas.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// escrowFit compares the worst case of the job e estimates with what an
// escrow of amount holds (both include the protocol fee): one sentence
// for beside the escrow picker, "" without an estimate.
func escrowFit(e priceEstimate, amount int64) string {
	if !e.OK {
		return ""
	}
	median, cheapest := ledger.FormatUSD(e.Median), ledger.FormatUSD(e.Cheapest)
	switch {
	case e.Median <= amount:
		return "Worst case for this job: " + median + " at the median provider's price. This escrow holds " + ledger.FormatUSD(amount) + ": enough."
	case e.Cheapest <= amount:
		return "Worst case for this job: " + median + " at the median provider's price, " + cheapest + " at the cheapest. This escrow holds " +
			ledger.FormatUSD(amount) + ": it may run out; a shorter timeout or fewer tasks cost less."
	}
	return "Worst case for this job: " + cheapest + " even at the cheapest provider's price, more than this escrow holds (" +
		ledger.FormatUSD(amount) + "): lock a bigger one, or make the job smaller."
}

// fitFor is the sentence beside the escrow picker for the escrow the
// form names (the first offered when it names none).
func (v paymentView) fitFor(e priceEstimate) string {
	for _, c := range v.Escrows {
		if c.ID == v.Selected || v.Selected == "" {
			return escrowFit(e, c.Amount)
		}
	}
	return ""
}

// Margin is escrowMargin as the page writes it.
func (v paymentView) Margin() string { return groupDigits(escrowMargin) }
