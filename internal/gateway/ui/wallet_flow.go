package ui

import (
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// What a transaction did to an account is read from its events, the way
// `opensky wallet history` reads it. Two views of the same events:
//
//   - the change to the account's balance (the wallet's table): an escrow
//     or a deal locks money (-), a settlement refunds what was not spent (+);
//   - what was paid to the account and by it (the charts): payouts,
//     storage payments, transfers and deposits in; transfers, withdrawals
//     and the settled cost of its jobs and storage deals out, counted when
//     they settle. Money locked and refunded is neither.
//
// The events come from the chain through the gateway: their amounts are
// parsed, bounded by the chain's maximum supply, and wrong ones ignored.

// flowKind says how an amount counts on the charts.
type flowKind int

const (
	flowHeld     flowKind = iota // locked or refunded: not on the charts
	flowReceived                 // paid to the account
	flowPaid                     // paid by the account
	flowEarned                   // paid to the account as a provider, for work
)

// maxPartyLen bounds the words that name the other side of an amount.
const maxPartyLen = 96

// flow is one amount a transaction moved for an account.
type flow struct {
	// Delta is the change to the account's balance: positive in,
	// negative out. A slash of its stake is negative too.
	Delta int64
	// Chart is what the amount counts as on the charts, and Value how
	// much (positive; it can differ from |Delta|: a settlement refunds
	// Delta and its job cost Value).
	Chart flowKind
	Value int64
	Party string // the other side, in words
}

// txFlows lists what r did for the account me. A transaction the chain
// rejected did nothing.
func txFlows(r api.TxResult, me string) []flow {
	if me == "" || r.Code != uint32(ledger.CodeOK) {
		return nil
	}
	var out []flow
	add := func(delta int64, kind flowKind, value int64, party string) {
		out = append(out, flow{Delta: delta, Chart: kind, Value: value, Party: clip(party, maxPartyLen)})
	}
	// closed books an escrow or deal that ended: the refund comes back,
	// and what providers and the fee took is its cost.
	closed := func(a map[string]string, party string) {
		refund, _ := amount(a["refunded"])
		paid, _ := amount(a["paid"])
		fee, _ := amount(a["fee"])
		cost := min(paid+fee, ledger.MaxSupply)
		if refund > 0 || cost > 0 {
			add(refund, flowPaid, cost, party)
		}
	}
	for _, e := range r.Events {
		a := e.Attrs
		switch e.Type {
		case "transfer":
			v, ok := amount(a["amount"])
			switch {
			case !ok:
			case a["from"] == me:
				add(-v, flowPaid, v, a["to"])
			case a["to"] == me:
				add(v, flowReceived, v, a["from"])
			}
		case "mint":
			if v, ok := amount(a["amount"]); ok && a["to"] == me {
				add(v, flowReceived, v, "deposit "+a["ref"])
			}
		case "burn":
			if v, ok := amount(a["amount"]); ok && a["from"] == me {
				add(-v, flowPaid, v, "withdrawal to "+a["dest"])
			}
		case "escrow_lock":
			if v, ok := amount(a["amount"]); ok && a["owner"] == me {
				add(-v, flowHeld, 0, "escrow "+a["id"])
			}
		case "escrow_expire":
			if v, ok := amount(a["refunded"]); ok && a["owner"] == me {
				add(v, flowHeld, 0, "escrow "+a["id"]+" expired")
			}
		case "settle":
			if a["owner"] == me {
				closed(a, "job "+a["job"]+" settled")
			}
		case "payout":
			if v, ok := amount(a["amount"]); ok && a["provider"] == me {
				add(v, flowEarned, v, "job "+a["job"])
			}
		case "slash":
			v, ok := amount(a["amount"])
			switch {
			case !ok:
			case a["provider"] == me:
				add(-v, flowPaid, v, "stake slashed, escrow "+a["escrow"])
			case a["to"] == me:
				add(v, flowReceived, v, "slash of "+a["provider"])
			}
		case "register":
			if v, ok := amount(a["stake"]); ok && a["provider"] == me {
				add(-v, flowHeld, 0, "stake for peer "+shortID(a["peer"]))
			}
		case "storage_open":
			if v, ok := amount(a["amount"]); ok && a["owner"] == me {
				add(-v, flowHeld, 0, "storage deal "+shortID(a["deal"]))
			}
		case "storage_pay":
			if v, ok := amount(a["amount"]); ok && a["provider"] == me {
				add(v, flowEarned, v, "storage deal "+shortID(a["deal"])+" period "+a["period"])
			}
		case "storage_lost":
			v, ok := amount(a["slashed"])
			switch {
			case !ok:
			case a["provider"] == me:
				add(-v, flowPaid, v, "stake slashed, deal "+shortID(a["deal"]))
			case a["to"] == me:
				add(v, flowReceived, v, "lost shard of deal "+shortID(a["deal"]))
			}
		case "storage_close":
			if a["owner"] == me {
				closed(a, "storage deal "+shortID(a["deal"])+" closed")
			}
		}
	}
	return out
}

// amount parses an event's amount: a whole number of micro-USD from zero
// to the chain's maximum supply.
func amount(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > ledger.MaxSupply {
		return 0, false
	}
	return v, true
}

// txKind is a transaction's type: its message's, or its first event's.
func txKind(r api.TxResult) string {
	kind := ""
	for _, e := range r.Events {
		if e.Type == "message" {
			kind = e.Attrs["type"]
			break
		}
	}
	if kind == "" && len(r.Events) > 0 {
		kind = r.Events[0].Type
	}
	return clip(kind, 40)
}
