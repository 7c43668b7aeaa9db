package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

func TestTxFlows(t *testing.T) {
	const me = "5Me"
	for _, c := range []struct {
		name  string
		ev    api.TxEvent
		delta int64
		kind  flowKind
		value int64
		party string
	}{
		{"transfer in", ev("transfer", "from", "5X", "to", me, "amount", "10"), 10, flowReceived, 10, "5X"},
		{"transfer out", ev("transfer", "from", me, "to", "5X", "amount", "10"), -10, flowPaid, 10, "5X"},
		{"deposit", ev("mint", "to", me, "amount", "7", "ref", "r1"), 7, flowReceived, 7, "deposit r1"},
		{"withdrawal", ev("burn", "from", me, "amount", "7", "dest", "0xabc"), -7, flowPaid, 7, "withdrawal to 0xabc"},
		{"escrow lock", ev("escrow_lock", "id", "E", "owner", me, "amount", "5"), -5, flowHeld, 0, "escrow E"},
		{"escrow expiry", ev("escrow_expire", "id", "E", "owner", me, "refunded", "5"), 5, flowHeld, 0, "escrow E expired"},
		{"settlement", ev("settle", "escrow", "E", "job", "j", "owner", me, "paid", "3", "fee", "1", "refunded", "1"), 1, flowPaid, 4, "job j settled"},
		{"payout", ev("payout", "job", "j", "provider", me, "amount", "3"), 3, flowEarned, 3, "job j"},
		{"slashed", ev("slash", "escrow", "E", "provider", me, "to", "5X", "amount", "2"), -2, flowPaid, 2, "stake slashed, escrow E"},
		{"slash paid to me", ev("slash", "provider", "5P", "to", me, "amount", "2"), 2, flowReceived, 2, "slash of 5P"},
		{"stake", ev("register", "provider", me, "peer", "12D3KooWPeer", "stake", "9"), -9, flowHeld, 0, "stake for peer 12D3KooWPeer"},
		{"deal opened", ev("storage_open", "deal", "D", "owner", me, "amount", "6"), -6, flowHeld, 0, "storage deal D"},
		{"storage paid", ev("storage_pay", "deal", "D", "period", "2", "provider", me, "amount", "4"), 4, flowEarned, 4, "storage deal D period 2"},
		{"shard lost, mine", ev("storage_lost", "deal", "D", "provider", me, "slashed", "3", "to", "5X"), -3, flowPaid, 3, "stake slashed, deal D"},
		{"shard lost, paid to me", ev("storage_lost", "deal", "D", "provider", "5P", "slashed", "3", "to", me), 3, flowReceived, 3, "lost shard of deal D"},
		{"deal closed", ev("storage_close", "deal", "D", "owner", me, "refunded", "2", "paid", "3", "fee", "1"), 2, flowPaid, 4, "storage deal D closed"},
	} {
		got := txFlows(api.TxResult{Events: []api.TxEvent{c.ev}}, me)
		if len(got) != 1 {
			t.Errorf("%s: %d flows, want 1", c.name, len(got))
			continue
		}
		f := got[0]
		if f.Delta != c.delta || f.Chart != c.kind || f.Value != c.value || f.Party != c.party {
			t.Errorf("%s: %+v, want delta %d kind %d value %d party %q", c.name, f, c.delta, c.kind, c.value, c.party)
		}
	}
}

func TestTxFlowsIgnore(t *testing.T) {
	const me = "5Me"
	for name, r := range map[string]api.TxResult{
		"someone else's":   {Events: []api.TxEvent{ev("transfer", "from", "5X", "to", "5Y", "amount", "10")}},
		"rejected":         {Code: 5, Events: []api.TxEvent{ev("transfer", "from", "5X", "to", me, "amount", "10")}},
		"negative amount":  {Events: []api.TxEvent{ev("transfer", "from", "5X", "to", me, "amount", "-10")}},
		"not a number":     {Events: []api.TxEvent{ev("payout", "provider", me, "amount", "10e3")}},
		"above the supply": {Events: []api.TxEvent{ev("mint", "to", me, "amount", "9223372036854775807")}},
		"no amount":        {Events: []api.TxEvent{ev("payout", "provider", me)}},
		"unknown event":    {Events: []api.TxEvent{ev("update_provider", "provider", me, "stake", "10")}},
	} {
		if got := txFlows(r, me); len(got) != 0 {
			t.Errorf("%s: flows %+v, want none", name, got)
		}
	}
	if got := txFlows(api.TxResult{Events: []api.TxEvent{ev("transfer", "from", "", "to", "", "amount", "1")}}, ""); len(got) != 0 {
		t.Errorf("no account: flows %+v", got)
	}
}

func TestFlowChartPoints(t *testing.T) {
	// Three of alice's transactions have flows the lines pick, the last at
	// height 35.
	txs := walletLedger().txs["5Alice"]
	in := flowSeries{Name: "in", Kinds: []flowKind{flowReceived, flowEarned}}
	out := flowSeries{Name: "out", Kinds: []flowKind{flowPaid}}
	for _, c := range []struct {
		until int64
		want  int
	}{{0, 4}, {35, 4}, {36, 5}, {1000, 5}} {
		ch, _ := flowChart("c", "C", "", "5Alice", c.until, txs, in, out)
		if got := ch.Points(); got != c.want {
			t.Errorf("until %d: %d points, want %d", c.until, got, c.want)
		}
	}
	// One line alone: only the faucet's transfer, at 10.
	if ch, _ := flowChart("c", "C", "", "5Alice", 1000, txs, in); ch.Points() != 3 {
		t.Errorf("the line of what alice was paid: %d points, want 3", ch.Points())
	}
	if ch, _ := flowChart("c", "C", "", "5Nobody", 1000, txs, in); ch.Points() != 0 {
		t.Errorf("an account with no flows: %d points, want none", ch.Points())
	}
}

// FuzzTxFlows reads arbitrary transactions, as the chain could send
// them: flows stay within the supply, their words are bounded, and the
// chart of a transaction twice has at most four points a line.
func FuzzTxFlows(f *testing.F) {
	for _, r := range walletLedger().txs["5Alice"] {
		b, _ := json.Marshal(r)
		f.Add(b, "5Alice")
	}
	for _, r := range providerLedger().txs["5ProviderA"] {
		b, _ := json.Marshal(r)
		f.Add(b, "5ProviderA")
	}
	f.Fuzz(func(t *testing.T, data []byte, me string) {
		var r api.TxResult
		if json.Unmarshal(data, &r) != nil {
			return
		}
		for _, fl := range txFlows(r, me) {
			if fl.Delta < -ledger.MaxSupply || fl.Delta > ledger.MaxSupply {
				t.Fatalf("delta %d beyond the supply", fl.Delta)
			}
			if fl.Value < 0 || fl.Value > 2*ledger.MaxSupply {
				t.Fatalf("value %d out of range", fl.Value)
			}
			if utf8.RuneCountInString(fl.Party) > maxPartyLen {
				t.Fatalf("party of %d runes", utf8.RuneCountInString(fl.Party))
			}
		}
		c, totals := flowChart("f", "F", "", me, r.Height+1, []api.TxResult{r, r},
			flowSeries{Name: "in", Kinds: []flowKind{flowReceived, flowEarned}}, flowSeries{Name: "out", Kinds: []flowKind{flowPaid}})
		if c.Points() > 4 || totals.Received < 0 || totals.Paid < 0 || totals.Earned > totals.Received {
			t.Fatalf("chart of %d points, totals %+v", c.Points(), totals)
		}
		if row := newTxRow(r, me); utf8.RuneCountInString(row.Kind) > 40 {
			t.Fatalf("kind of %d runes", utf8.RuneCountInString(row.Kind))
		}
		if svg := string(c.SVG()); strings.Count(svg, "<svg") != 1 {
			t.Fatal("the chart is not one SVG")
		}
	})
}
