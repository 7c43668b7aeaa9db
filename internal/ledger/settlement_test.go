package ledger

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// settled sets up P1..P3 as providers and an escrow of amount from Alice,
// arbitrated by Orch and assigned to job.
func settleSetup(t *testing.T, amount int64, opts ...harnessOpt) (*harness, string) {
	h := newHarness(t, opts...)
	h.ok(h.register("P1", 100*USD), h.register("P2", 100*USD), h.register("P3", 100*USD))
	tx, id := h.lock("Alice", "Orch", amount, 100)
	h.ok(tx, h.assign("Orch", id, "job-1"))
	return h, id
}

func TestSettlePaysProvidersFeeAndRefund(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	p1, p2 := h.balance("P1"), h.balance("P2")
	alice := h.balance("Alice")
	m := &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted, Evidence: "root:abc",
		Payouts: []Payout{h.pay("P1", "t1", 3*USD+1), h.pay("P2", "t2", 2*USD), h.pay("P1", "t3", USD)}}
	res := h.ok(h.settle("Orch", m))
	paid := 6*USD + 1
	fee := Fee(paid, DefaultParams().FeeBps)
	if fee != 60_001 { // 1% rounded up
		t.Fatalf("fee %d", fee)
	}
	if got := h.balance("P1") - p1; got != 4*USD+1 {
		t.Fatalf("P1 was paid %d", got)
	}
	if got := h.balance("P2") - p2; got != 2*USD {
		t.Fatalf("P2 was paid %d", got)
	}
	if got := h.treasury(); got != fee {
		t.Fatalf("treasury %d, want %d", got, fee)
	}
	refund := 10*USD - paid - fee
	if got := h.balance("Alice") - alice; got != refund {
		t.Fatalf("Alice got %d back, want %d", got, refund)
	}
	e := h.escrow(id)
	if e.State != EscrowSettled || e.Paid != paid || e.Fee != fee || e.Refunded != refund || e.Slashed != 0 ||
		e.Outcome != OutcomeCompleted || e.Evidence != "root:abc" || e.SettledAt != h.l.Height() {
		t.Fatalf("settled escrow %+v", e)
	}
	if h.provider("P1").Earned != 4*USD+1 || h.provider("P3").Earned != 0 {
		t.Fatalf("earned: P1 %d P3 %d", h.provider("P1").Earned, h.provider("P3").Earned)
	}
	if r := h.reputation("P1"); r.Successes != 2 || r.Score() <= 500_000 {
		t.Fatalf("P1 reputation %+v", r)
	}
	if m := getMarket(h.l.st); m.Jobs != 1 || m.Volume != paid || m.Samples != 3 || m.PriceIndex != 20 {
		t.Fatalf("market %+v", m)
	}
	if !hasEvent(res[0], "settle", "fee", "60001") {
		t.Fatalf("events %+v", res[0].Events)
	}
}

func TestSettleExactlyOnce(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	m := &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted, Payouts: []Payout{h.pay("P1", "t1", USD)}}
	res := h.block(h.settle("Orch", m), h.settle("Orch", m))
	mustCode(t, "first settle", res[0], CodeOK)
	mustCode(t, "second settle in the block", res[1], CodeConflict)
	p1 := h.balance("P1")
	before := h.snapshot()
	h.fails(CodeConflict, h.settle("Orch", m))
	if d := diffKeys(before, h.snapshot()); len(d) != 1 || h.balance("P1") != p1 {
		t.Fatalf("a refused settle changed %v", d)
	}
	h.fails(CodeConflict, h.expire("Alice", id))
}

func TestSettleOverAmountRefused(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	before := h.snapshot()
	// The whole escrow to providers leaves nothing for the fee.
	h.fails(CodeInsufficientFund, h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
		Payouts: []Payout{h.pay("P1", "t1", 5*USD), h.pay("P2", "t2", 5*USD)}}))
	if d := diffKeys(before, h.snapshot()); len(d) != 1 || d[0] != prefAccount+h.addr("Orch") {
		t.Fatalf("a refused settle changed %v", d)
	}
	// The most that fits: paid + Fee(paid) == amount.
	paid := int64(0)
	for p := 10 * USD; p > 0; p-- {
		if p+Fee(p, DefaultParams().FeeBps) <= 10*USD {
			paid = p
			break
		}
	}
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
		Payouts: []Payout{h.pay("P1", "t1", paid)}}))
	if e := h.escrow(id); e.Paid+e.Fee+e.Refunded != 10*USD || e.Paid != paid {
		t.Fatalf("escrow %+v", e)
	}
}

// Payouts large enough to overflow paid*FeeBps must be refused, not paid
// with a negative fee taken from the treasury.
func TestSettleFeeOverflowRefused(t *testing.T) {
	h := newHarness(t, withParams(func(p *Params) { p.FeeBps = 5000 }))
	h.ok(h.mint("Bridge", "Alice", MaxAmount, "dot:whale"))
	h.ok(h.register("P1", 100*USD), h.register("P2", 100*USD))
	tx, id := h.lock("Alice", "Orch", MaxAmount, 100)
	h.ok(tx)
	before := h.snapshot()
	const each = 925_000_000 * USD // 1.85e15 paid in all: paid*5000 overflows int64
	h.fails(CodeInsufficientFund, h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
		Payouts: []Payout{h.pay("P1", "t1", each), h.pay("P2", "t2", each)}}))
	if d := diffKeys(before, h.snapshot()); len(d) != 1 {
		t.Fatalf("a refused settle changed %v", d)
	}
	if h.treasury() != 0 {
		t.Fatalf("treasury %d", h.treasury())
	}
}

func TestFeeRoundsUpWithoutOverflow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(paid, bps int64) {
		t.Helper()
		want := new(big.Int).Mul(big.NewInt(paid), big.NewInt(bps))
		want.Add(want, big.NewInt(9999))
		want.Quo(want, big.NewInt(10000))
		if got := Fee(paid, bps); !want.IsInt64() || got != want.Int64() {
			t.Fatalf("Fee(%d, %d) = %d, want %s", paid, bps, got, want)
		}
	}
	for _, paid := range []int64{0, 1, 99, 100, 101, 9999, 10000, 10001, MaxAmount, 512 * MaxAmount, MaxSupply} {
		for _, bps := range []int64{0, 1, 100, 5000, 10000} {
			check(paid, bps)
		}
	}
	for range 10000 {
		check(r.Int64N(MaxSupply+1), r.Int64N(10001))
	}
}

func TestSettleOnlyByArbiter(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	m := &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted, Payouts: []Payout{h.pay("P1", "t1", USD)}}
	for _, who := range []string{"Alice", "P1", "Orch2"} {
		h.fails(CodeUnauthorized, h.settle(who, m))
	}
	h.fails(CodeNotFound, h.settle("Orch", &MsgSettle{Escrow: "e-missing", Job: "job-1", Outcome: OutcomeCompleted}))
	// The assigned job must match.
	h.fails(CodeConflict, h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-2", Outcome: OutcomeCompleted}))
	if e := h.escrow(id); e.State != EscrowAssigned {
		t.Fatalf("escrow %+v", e)
	}
	h.ok(h.settle("Orch", m))
}

func TestSettleOpenEscrowTakesTheJob(t *testing.T) {
	h := newHarness(t)
	h.ok(h.register("P1", 100*USD))
	tx1, e1 := h.lock("Alice", "Orch", 10*USD, 100)
	tx2, e2 := h.lock("Bob", "Orch", 10*USD, 100)
	h.ok(tx1, tx2, h.assign("Orch", e2, "job-taken"))
	h.fails(CodeConflict, h.settle("Orch", &MsgSettle{Escrow: e1, Job: "job-taken", Outcome: OutcomeCancelled}))
	h.ok(h.settle("Orch", &MsgSettle{Escrow: e1, Job: "job-new", Outcome: OutcomeCancelled}))
	if e := h.escrow(e1); e.Job != "job-new" || e.Refunded != 10*USD {
		t.Fatalf("%+v", e)
	}
	var id string
	if !read(h.l.st, jobKey(h.addr("Orch"), "job-new"), &id) || id != e1 {
		t.Fatalf("job index %q", id)
	}
}

func TestSettleWrongResultSlashesToOwner(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	alice := h.balance("Alice")
	p2 := h.balance("P2")
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
		Payouts: []Payout{h.pay("P1", "t1", 2*USD), h.pay("P3", "t3", 2*USD)},
		Faults:  []Fault{{Peer: h.peerID("P2"), Task: "t2", Kind: FaultWrongResult}}}))
	cut := 100 * USD * DefaultParams().SlashBps / 10000
	p := h.provider("P2")
	if p.Stake != 100*USD-cut || p.Slashed != cut || h.balance("P2") != p2 {
		t.Fatalf("slashed provider %+v balance %d", p, h.balance("P2"))
	}
	fee := Fee(4*USD, DefaultParams().FeeBps)
	if got, want := h.balance("Alice")-alice, 10*USD-4*USD-fee+cut; got != want {
		t.Fatalf("Alice got %d, want refund plus slash %d", got, want)
	}
	e := h.escrow(id)
	if e.Slashed != cut || e.Paid+e.Fee+e.Refunded != e.Amount {
		t.Fatalf("escrow %+v", e)
	}
	r := h.reputation("P2")
	if r.Failures != 1 || r.Score() >= 500_000 {
		t.Fatalf("P2 reputation %+v score %d", r, r.Score())
	}
}

func TestSettleLostLowersReputationLess(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeFailed,
		Faults: []Fault{{Peer: h.peerID("P1"), Task: "t1", Kind: FaultWrongResult}, {Peer: h.peerID("P2"), Task: "t2", Kind: FaultLost}}}))
	wrong, lost := h.reputation("P1"), h.reputation("P2")
	if lost.Lost != 1 || lost.Failures != 0 || wrong.Failures != 1 {
		t.Fatalf("wrong %+v lost %+v", wrong, lost)
	}
	newcomer := Reputation{}.Score()
	if !(wrong.Score() < lost.Score() && lost.Score() < newcomer) {
		t.Fatalf("scores: wrong %d, lost %d, newcomer %d", wrong.Score(), lost.Score(), newcomer)
	}
	if p := h.provider("P2"); p.Stake != 100*USD || p.Slashed != 0 {
		t.Fatalf("a lost provider was slashed: %+v", p)
	}
}

func TestSettleUnknownPeerRefused(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	_, stranger := testPeerKey(t, "Stranger")
	for name, m := range map[string]*MsgSettle{
		"payout": {Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
			Payouts: []Payout{h.pay("P1", "t1", USD), {Peer: stranger.String(), Task: "t2", Amount: USD}}},
		"fault": {Escrow: id, Job: "job-1", Outcome: OutcomeCompleted,
			Payouts: []Payout{h.pay("P1", "t1", USD)}, Faults: []Fault{{Peer: stranger.String(), Task: "t2", Kind: FaultLost}}},
	} {
		before := h.snapshot()
		r := h.block(h.settle("Orch", m))[0]
		if r.Code != CodeNotFound {
			t.Fatalf("%s: %v %s", name, r.Code, r.Log)
		}
		if d := diffKeys(before, h.snapshot()); len(d) != 1 {
			t.Fatalf("%s: a refused settle changed %v", name, d)
		}
	}
	if e := h.escrow(id); e.State != EscrowAssigned {
		t.Fatalf("%+v", e)
	}
}

// A stake too large for stake*SlashBps to fit in an int64 must still lose
// SlashBps of itself, not one micro-USD.
func TestSlashLargeStake(t *testing.T) {
	h := newHarness(t)
	var txs [][]byte
	for i := range 10 {
		txs = append(txs, h.mint("Bridge", "P1", MaxAmount, "dot:"+string(rune('a'+i))))
	}
	h.ok(txs...)
	txs = [][]byte{h.register("P1", MaxAmount)}
	for range 9 {
		txs = append(txs, h.update("P1", MaxAmount))
	}
	h.ok(txs...)
	stake := h.provider("P1").Stake
	if stake != 10*MaxAmount {
		t.Fatalf("stake %d", stake)
	}
	tx, id := h.lock("Alice", "Orch", USD, 10)
	h.ok(tx)
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "j", Outcome: OutcomeFailed,
		Faults: []Fault{{Peer: h.peerID("P1"), Task: "t", Kind: FaultWrongResult}}}))
	if got, want := h.provider("P1").Slashed, stake/10000*DefaultParams().SlashBps; got != want {
		t.Fatalf("slashed %d of %d, want %d", got, stake, want)
	}
}

func TestSettleRefusesBadMessages(t *testing.T) {
	h := newHarness(t)
	p := Payout{Peer: h.peerID("P1"), Task: "t", Amount: 1}
	for name, m := range map[string]*MsgSettle{
		"no escrow":       {Job: "j", Outcome: OutcomeCompleted},
		"no job":          {Escrow: "e", Outcome: OutcomeCompleted},
		"bad outcome":     {Escrow: "e", Job: "j", Outcome: "won"},
		"task paid twice": {Escrow: "e", Job: "j", Outcome: OutcomeCompleted, Payouts: []Payout{p, p}},
		"negative payout": {Escrow: "e", Job: "j", Outcome: OutcomeCompleted,
			Payouts: []Payout{{Peer: p.Peer, Task: "t", Amount: -1}}},
		"bad peer": {Escrow: "e", Job: "j", Outcome: OutcomeCompleted, Payouts: []Payout{{Peer: "12D3nope", Task: "t"}}},
		"bad fault kind": {Escrow: "e", Job: "j", Outcome: OutcomeCompleted,
			Faults: []Fault{{Peer: p.Peer, Task: "t", Kind: "rude"}}},
		"control character": {Escrow: "e\n", Job: "j", Outcome: OutcomeCompleted},
	} {
		if _, err := NewTx(h.acct("Orch"), testChain, 0, m); CodeOf(err) != CodeInvalid {
			t.Errorf("%s: NewTx returned %v", name, err)
		}
	}
	many := &MsgSettle{Escrow: "e", Job: "j", Outcome: OutcomeCompleted}
	for i := range MaxPayouts + 1 {
		many.Faults = append(many.Faults, Fault{Peer: p.Peer, Task: "t" + string(rune(i)), Kind: FaultLost})
	}
	if err := many.validate(); CodeOf(err) != CodeInvalid {
		t.Errorf("too many faults: %v", err)
	}
}
