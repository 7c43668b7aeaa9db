package ledger

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Random storage traffic, one transaction a block: every refused
// transaction changes nothing but its sender's nonce, the invariants
// (supply conserved, deals account for what they locked and can pay what
// they owe, indexes agree) hold after every block, and a deal never goes
// back: its reported periods only grow and a closed deal stays closed.
func TestStorageUnderRandomTraffic(t *testing.T) {
	n := 600
	if raceEnabled {
		n = 150
	}
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(3, 0x5707))
	h := newHarness(t, withParams(func(p *Params) { p.UnbondingBlocks = 30 }))
	owners := []string{"Alice", "Bob", "Charlie"}
	provs := []string{"P1", "P2", "P3", "Dave", "Eve"}
	var regs [][]byte
	for _, p := range provs {
		regs = append(regs, h.register(p, 20*USD))
	}
	h.ok(regs...)
	everyone := slices.Concat(owners, provs, []string{"Orch", "Orch2"})
	pick := func(names []string) string { return names[r.IntN(len(names))] }
	var deals []string
	last := map[string]Deal{}
	stats := map[string]map[Code]int{}
	for range n {
		var kind, sender string
		var tx []byte
		k, id := r.IntN(88), ""
		if len(deals) > 0 {
			id = deals[r.IntN(len(deals))]
			// Mostly a deal that can still change, in the state the
			// message needs.
			want := DealActive
			if k < 27 || r.IntN(4) == 0 {
				want = DealOpen
			}
			var live []string
			for _, id := range deals {
				if d := last[id]; d.State == want && h.l.Height() < d.ClosableAt {
					live = append(live, id)
				}
			}
			if len(live) > 0 && r.IntN(8) != 0 {
				id = pick(live)
			}
		}
		d := last[id]
		arbiter := "Orch"
		if r.IntN(8) == 0 {
			arbiter = pick(everyone)
		}
		switch {
		case k < 12 || id == "":
			kind, sender = "open", pick(owners)
			var amount int64 = 1 + r.Int64N(30*USD)
			if r.IntN(10) == 0 {
				amount = testFunds * 2
			}
			arb := "Orch"
			if r.IntN(10) == 0 {
				arb = pick(everyone)
			}
			tx, id = h.openDeal(sender, arb, amount, 2+r.Int64N(6), 4+r.Int64N(12))
			deals = append(deals, id)
		case k < 27 || d.State == DealOpen && k < 60:
			kind, sender = "assign", arbiter
			names := slices.Clone(provs)
			r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			per := d.Amount / max(d.Periods, 1) / 3
			if r.IntN(6) == 0 {
				per = d.Amount
			}
			tx = h.assignDeal(sender, id, h.shardsOn(max(per, 1), names[:1+r.IntN(3)]...))
		case k < 65:
			kind, sender = "audit", arbiter
			m := &MsgAuditDeal{Deal: id, Period: d.Audited + 1}
			if r.IntN(8) == 0 {
				m.Period = 1 + r.Int64N(7)
			}
			for _, s := range d.Shards {
				if s.State == ShardLive || r.IntN(10) == 0 {
					m.Results = append(m.Results, AuditResult{Index: s.Index, Pass: r.IntN(2) == 0})
				}
			}
			if len(m.Results) == 0 {
				m.Results = []AuditResult{{Index: 0, Pass: true}}
			}
			tx = h.next(sender, m)
		case k < 75:
			kind, sender = "replace", arbiter
			idx := 0
			if len(d.Shards) > 0 {
				idx = d.Shards[r.IntN(len(d.Shards))].Index
			}
			tx = h.replaceShard(sender, id, idx, pick(provs), 1+r.Int64N(USD))
		case k < 82:
			kind, sender = "close", pick(everyone)
			if r.IntN(2) == 0 {
				sender = ownerName(h, d)
			}
			tx = h.closeDeal(sender, id)
		case k < 84:
			kind, sender = "unregister", pick(provs)
			tx = h.unregister(sender)
		case k < 88:
			kind, sender = "register", pick(provs)
			tx = h.register(sender, 10*USD)
		}
		before := h.snapshot()
		// What the block's start may change: stakes whose unbonding ends.
		allowed := []string{prefAccount + h.addr(sender)}
		for _, p := range provs {
			if pr, _ := getProvider(h.l.st, h.addr(p)); pr.Unbonding > 0 && pr.UnbondAt <= h.l.Height()+1 {
				allowed = append(allowed, prefAccount+pr.Address, prefProvider+pr.Address, keyUnbonding)
			}
		}
		res := h.block(tx)[0]
		if stats[kind] == nil {
			stats[kind] = map[Code]int{}
		}
		stats[kind][res.Code]++
		switch res.Code {
		case CodeOK:
		case CodeInvalid, CodeInsufficientFund, CodeUnauthorized, CodeNotFound, CodeConflict:
			if diff := diffKeys(before, h.snapshot()); !slices.Contains(diff, allowed[0]) ||
				slices.ContainsFunc(diff, func(k string) bool { return !slices.Contains(allowed, k) }) {
				t.Fatalf("a refused %s (%s) changed %v", kind, res.Log, diff)
			}
		default:
			t.Fatalf("%s: %v %s", kind, res.Code, res.Log)
		}
		for _, id := range deals {
			now, ok := getDeal(h.l.st, id)
			if !ok {
				continue
			}
			was, seen := last[id]
			if seen && (now.Audited < was.Audited || (was.State == DealClosed && now.State != DealClosed) ||
				(was.State == DealActive && now.State == DealOpen) || now.Paid < was.Paid || now.Fee < was.Fee) {
				t.Fatalf("deal %s went back: %+v\nafter %+v", id, now, was)
			}
			last[id] = now
		}
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range stats {
			if !yield(k) {
				return
			}
		}
	}) {
		t.Logf("%-10s %v", k, stats[k])
	}
	for _, k := range []string{"open", "assign", "audit", "replace", "close"} {
		if stats[k][CodeOK] == 0 || len(stats[k]) < 2 {
			t.Errorf("the run never exercised %s both ways: %v", k, stats[k])
		}
	}
	var lost, slashed int
	for _, d := range last {
		if d.Slashed > 0 {
			slashed++
		}
		for _, s := range d.Shards {
			if s.State == ShardLost {
				lost++
			}
		}
	}
	if lost == 0 || slashed == 0 {
		t.Errorf("no shard was lost (%d) or slashed (%d)", lost, slashed)
	}
	t.Logf("%d deals, %d lost shards", len(last), lost)
}

// ownerName names a deal's owner among the harness's accounts, or Alice
// for a deal not seen yet.
func ownerName(h *harness, d Deal) string {
	for _, n := range h.names {
		if h.addr(n) == d.Owner {
			return n
		}
	}
	return "Alice"
}
