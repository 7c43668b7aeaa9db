package ledger

import (
	"slices"
	"strings"
	"testing"
)

func TestOpenDealComputesIDAndLocks(t *testing.T) {
	h := newHarness(t)
	h.ok(h.transfer("Alice", "Bob", USD)) // Alice's next nonce is 1
	tx, id := h.openDeal("Alice", "Orch", 40*USD, 12, 10)
	if want := DealID(h.acct("Alice").PublicKey(), 1); id != want || !strings.HasPrefix(id, "d-") {
		t.Fatalf("harness ID %s, want %s", id, want)
	}
	if id == EscrowID(h.acct("Alice").PublicKey(), 1) {
		t.Fatal("a deal and an escrow from the same nonce share an ID")
	}
	res := h.ok(tx)
	if string(res[0].Data) != id {
		t.Fatalf("open returned %q, want %s", res[0].Data, id)
	}
	d := h.deal(id)
	opened := h.l.Height()
	want := Deal{ID: id, Owner: h.addr("Alice"), Arbiter: h.addr("Orch"), State: DealOpen, Amount: 40 * USD, Balance: 40 * USD,
		Periods: 12, PeriodBlocks: 10, OpenedAt: opened, EndsAt: opened + 120, ClosableAt: opened + 130}
	if !equalDeals(d, want) {
		t.Fatalf("deal %+v\nwant %+v", d, want)
	}
	if got := h.balance("Alice"); got != testFunds-41*USD {
		t.Fatalf("Alice has %d", got)
	}
	if !hasEvent(res[0], "storage_open", "deal", id) || !hasEvent(res[0], "storage_open", "amount", "40000000") {
		t.Fatalf("events %+v", res[0].Events)
	}
	v, err := h.l.Query(QueryDealsByOwner + h.addr("Alice"))
	if err != nil || len(v.([]Deal)) != 1 || v.([]Deal)[0].ID != id {
		t.Fatalf("deals by owner: %+v %v", v, err)
	}
	if r := h.l.CheckInvariants(); r.Deals != 1 || !r.OK() {
		t.Fatalf("report %+v", r)
	}
}

func equalDeals(a, b Deal) bool {
	return a.ID == b.ID && a.Owner == b.Owner && a.Arbiter == b.Arbiter && a.State == b.State && a.Amount == b.Amount &&
		a.Balance == b.Balance && a.Periods == b.Periods && a.PeriodBlocks == b.PeriodBlocks && a.OpenedAt == b.OpenedAt &&
		a.EndsAt == b.EndsAt && a.ClosableAt == b.ClosableAt && a.Object == b.Object && a.Size == b.Size &&
		slices.Equal(a.Shards, b.Shards) && a.AssignedAt == b.AssignedAt && a.Audited == b.Audited && a.Paid == b.Paid &&
		a.Fee == b.Fee && a.Refunded == b.Refunded && a.Slashed == b.Slashed && a.Outcome == b.Outcome &&
		a.ClosedAt == b.ClosedAt && a.ClosedBy == b.ClosedBy
}

func TestOpenDealRefused(t *testing.T) {
	h := newHarness(t)
	tx, _ := h.openDeal("Eve", "Eve", USD, 1, 1)
	h.unchanged(t, "self-arbitrated", CodeInvalid, "Eve", tx)
	tx, _ = h.openDeal("Eve", "Bob", USD, 1, 1)
	h.unchanged(t, "unknown arbiter", CodeUnauthorized, "Eve", tx)
	tx, _ = h.openDeal("Eve", "Orch", testFunds+1, 1, 1)
	h.unchanged(t, "overdraft", CodeInsufficientFund, "Eve", tx)
	for name, m := range map[string]*MsgOpenDeal{
		"zero amount":       {Arbiter: h.addr("Orch"), Amount: 0, Periods: 1, PeriodBlocks: 1},
		"huge amount":       {Arbiter: h.addr("Orch"), Amount: MaxAmount + 1, Periods: 1, PeriodBlocks: 1},
		"no periods":        {Arbiter: h.addr("Orch"), Amount: USD, Periods: 0, PeriodBlocks: 1},
		"negative periods":  {Arbiter: h.addr("Orch"), Amount: USD, Periods: -3, PeriodBlocks: 1},
		"too many periods":  {Arbiter: h.addr("Orch"), Amount: USD, Periods: MaxDealPeriods + 1, PeriodBlocks: 1},
		"empty period":      {Arbiter: h.addr("Orch"), Amount: USD, Periods: 1, PeriodBlocks: 0},
		"period too long":   {Arbiter: h.addr("Orch"), Amount: USD, Periods: 1, PeriodBlocks: MaxPeriodBlocks + 1},
		"term too long":     {Arbiter: h.addr("Orch"), Amount: USD, Periods: MaxDealPeriods, PeriodBlocks: MaxDealBlocks/MaxDealPeriods + 1},
		"overflowing term":  {Arbiter: h.addr("Orch"), Amount: USD, Periods: MaxDealPeriods, PeriodBlocks: MaxPeriodBlocks},
		"malformed arbiter": {Arbiter: "5Nope", Amount: USD, Periods: 1, PeriodBlocks: 1},
	} {
		if _, err := NewTx(h.acct("Alice"), testChain, 0, m); CodeOf(err) != CodeInvalid {
			t.Errorf("%s: NewTx returned %v", name, err)
		}
		payload, _ := marshal(m)
		mustCode(t, name+" CheckTx", h.l.CheckTx(rawTx(h.acct("Alice"), testChain, 0, TypeOpenDeal, payload)), CodeInvalid)
	}
	// The longest term allowed is accepted.
	tx, id := h.openDeal("Alice", "Orch", USD, MaxDealPeriods, MaxDealBlocks/MaxDealPeriods)
	h.ok(tx)
	if d := h.deal(id); d.EndsAt != d.OpenedAt+MaxDealBlocks {
		t.Fatalf("deal %+v", d)
	}
}

func TestAssignDeal(t *testing.T) {
	h := newHarness(t)
	h.ok(h.register("P1", 100*USD), h.register("P2", 100*USD), h.register("P3", 100*USD), h.register("Dave", 100*USD))
	h.ok(h.unregister("Dave"))
	tx, id := h.openDeal("Alice", "Orch", 30*USD, 10, 5)
	h.ok(tx)
	// Three shards at 1 USD for 10 periods need exactly 30 USD.
	good := h.shardsOn(USD, "P3", "P1", "P2")
	h.unchanged(t, "missing deal", CodeNotFound, "Orch", h.assignDeal("Orch", "d-missing", good))
	h.unchanged(t, "owner assigns", CodeUnauthorized, "Alice", h.assignDeal("Alice", id, good))
	h.unchanged(t, "other arbiter", CodeUnauthorized, "Orch2", h.assignDeal("Orch2", id, good))
	r := h.unchanged(t, "over budget", CodeInsufficientFund, "Orch", h.assignDeal("Orch", id, h.shardsOn(USD+1, "P1", "P2", "P3")))
	if !strings.Contains(r.Log, "per period") {
		t.Fatalf("unclear refusal: %s", r.Log)
	}
	h.unchanged(t, "not a provider", CodeNotFound, "Orch", h.assignDeal("Orch", id, h.shardsOn(USD, "P1", "Bob")))
	h.unchanged(t, "unbonding provider", CodeNotFound, "Orch", h.assignDeal("Orch", id, h.shardsOn(USD, "P1", "Dave")))
	good[0].Index, good[2].Index = 7, 0 // any distinct indices, in any order
	res := h.ok(h.assignDeal("Orch", id, good))
	d := h.deal(id)
	if d.State != DealActive || d.Object != testObject || d.Size != 1<<20 || d.AssignedAt != h.l.Height() || len(d.Shards) != 3 {
		t.Fatalf("assigned deal %+v", d)
	}
	if d.Shards[0].Index != 0 || d.Shards[0].Provider != h.addr("P2") || d.Shards[2].Index != 7 || d.Shards[2].Provider != h.addr("P3") ||
		d.Shards[1].State != ShardLive || d.Shards[1].Since != h.l.Height() || d.Shards[1].Root != testRoot(1) {
		t.Fatalf("shards not sorted by index: %+v", d.Shards)
	}
	if d.PerPeriod() != 3*USD || d.Balance != 30*USD {
		t.Fatalf("per period %d balance %d", d.PerPeriod(), d.Balance)
	}
	if !hasEvent(res[0], "storage_shard", "provider", h.addr("P3")) || !hasEvent(res[0], "storage_assign", "object", testObject) {
		t.Fatalf("events %+v", res[0].Events)
	}
	for _, p := range []string{"P1", "P2", "P3"} {
		v, err := h.l.Query(QueryDealsByProvider + h.addr(p))
		if err != nil || len(v.([]Deal)) != 1 || v.([]Deal)[0].ID != id {
			t.Fatalf("deals of %s: %+v %v", p, v, err)
		}
	}
	if v, _ := h.l.Query(QueryDealsByProvider + h.addr("Dave")); len(v.([]Deal)) != 0 {
		t.Fatalf("Dave holds %+v", v)
	}
	h.unchanged(t, "assign twice", CodeConflict, "Orch", h.assignDeal("Orch", id, good))
}

func TestAssignDealRefusesBadMessages(t *testing.T) {
	h := newHarness(t)
	s := ShardAssignment{Index: 0, Provider: h.addr("P1"), Root: testRoot(0), PerPeriod: USD}
	with := func(f func(*ShardAssignment)) []ShardAssignment { c := s; f(&c); return []ShardAssignment{c} }
	two := func(f func(*ShardAssignment)) []ShardAssignment {
		c := s
		c.Index, c.Provider = 1, h.addr("P2")
		f(&c)
		return []ShardAssignment{s, c}
	}
	many := make([]ShardAssignment, MaxDealShards+1)
	for i := range many {
		many[i] = ShardAssignment{Index: i % MaxDealShards, Provider: h.addr("P1"), Root: testRoot(i), PerPeriod: 1}
	}
	for name, m := range map[string]*MsgAssignDeal{
		"no deal":          {Object: testObject, Size: 1, Shards: []ShardAssignment{s}},
		"no object":        {Deal: "d-1", Size: 1, Shards: []ShardAssignment{s}},
		"CIDv0 object":     {Deal: "d-1", Object: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", Size: 1, Shards: []ShardAssignment{s}},
		"upper-case CID":   {Deal: "d-1", Object: strings.ToUpper(testObject), Size: 1, Shards: []ShardAssignment{s}},
		"long object":      {Deal: "d-1", Object: "b" + strings.Repeat("a", 128), Size: 1, Shards: []ShardAssignment{s}},
		"zero size":        {Deal: "d-1", Object: testObject, Size: 0, Shards: []ShardAssignment{s}},
		"huge size":        {Deal: "d-1", Object: testObject, Size: MaxObjectSize + 1, Shards: []ShardAssignment{s}},
		"no shards":        {Deal: "d-1", Object: testObject, Size: 1},
		"too many shards":  {Deal: "d-1", Object: testObject, Size: 1, Shards: many},
		"negative index":   {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.Index = -1 })},
		"index too high":   {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.Index = MaxDealShards })},
		"repeated index":   {Deal: "d-1", Object: testObject, Size: 1, Shards: two(func(a *ShardAssignment) { a.Index = 0 })},
		"repeated holder":  {Deal: "d-1", Object: testObject, Size: 1, Shards: two(func(a *ShardAssignment) { a.Provider = s.Provider })},
		"bad provider":     {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.Provider = "5Nope" })},
		"short root":       {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.Root = "abcd" })},
		"upper-case root":  {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.Root = strings.ToUpper(s.Root) })},
		"free shard":       {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.PerPeriod = 0 })},
		"huge per period":  {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.PerPeriod = MaxAmount + 1 })},
		"control in deal":  {Deal: "d-\n", Object: testObject, Size: 1, Shards: []ShardAssignment{s}},
		"negative payment": {Deal: "d-1", Object: testObject, Size: 1, Shards: with(func(a *ShardAssignment) { a.PerPeriod = -1 })},
	} {
		if _, err := NewTx(h.acct("Orch"), testChain, 0, m); CodeOf(err) != CodeInvalid {
			t.Errorf("%s: NewTx returned %v", name, err)
		}
	}
}

func TestAuditPaysPassesExactly(t *testing.T) {
	// 1.000001 USD per period, so the 1% fee rounds up.
	const per = USD + 1
	h, id := dealSetup(t, 50*USD, 10, per)
	fee := Fee(per, DefaultParams().FeeBps)
	if fee != 10_001 {
		t.Fatalf("fee %d", fee)
	}
	before := map[string]int64{"P1": h.balance("P1"), "P2": h.balance("P2"), "P3": h.balance("P3")}
	res := h.ok(h.audit("Orch", id, 1, true, true, true))
	for _, p := range []string{"P1", "P2", "P3"} {
		if got := h.balance(p) - before[p]; got != per-fee {
			t.Fatalf("%s was paid %d, want %d", p, got, per-fee)
		}
		if r := h.reputation(p); r.Successes != 1 {
			t.Fatalf("%s reputation %+v", p, r)
		}
		if h.provider(p).Earned != per-fee {
			t.Fatalf("%s earned %d", p, h.provider(p).Earned)
		}
	}
	if h.treasury() != 3*fee {
		t.Fatalf("treasury %d, want %d", h.treasury(), 3*fee)
	}
	d := h.deal(id)
	if d.Audited != 1 || d.Balance != 50*USD-3*per || d.Paid != 3*(per-fee) || d.Fee != 3*fee || d.Shards[1].Passed != 1 || d.Shards[1].Paid != per-fee {
		t.Fatalf("deal after one period %+v", d)
	}
	if !hasEvent(res[0], "storage_pay", "amount", "990000") || !hasEvent(res[0], "storage_audit", "paid", "2970000") ||
		!hasEvent(res[0], "storage_audit", "evidence", "proofs-1") {
		t.Fatalf("events %+v", res[0].Events)
	}
	// The deal's other parts never move: Alice's balance is untouched.
	alice := h.balance("Alice")
	h.untilHeight(d.PeriodStart(2))
	h.ok(h.audit("Orch", id, 2, true, false, true))
	if h.balance("Alice") != alice || h.balance("P2")-before["P2"] != per-fee {
		t.Fatal("a failed shard was paid, or the owner's balance moved during the deal")
	}
	if d := h.deal(id); d.Balance != 50*USD-5*per || d.Shards[1].Fails != 1 || d.Shards[1].Failed != 1 || d.Shards[1].State != ShardLive {
		t.Fatalf("deal after a failure %+v", d)
	}
	if r := h.reputation("P2"); r.Lost != 1 || r.Failures != 0 {
		t.Fatalf("P2 reputation after one failed audit %+v", r)
	}
}

func TestThreeFailuresInARowLoseTheShardAndSlash(t *testing.T) {
	h, id := dealSetup(t, 50*USD, 10, USD)
	alice, p2 := h.balance("Alice"), h.balance("P2")
	h.untilHeight(h.deal(id).PeriodStart(4))
	// P3 fails, passes, fails, fails: the pass reset its run.
	h.ok(h.audit("Orch", id, 1, true, false, false))
	h.ok(h.audit("Orch", id, 2, true, false, true))
	if d := h.deal(id); d.Shards[1].Fails != 2 || d.Shards[2].Fails != 0 {
		t.Fatalf("runs %+v", d.Shards)
	}
	res := h.ok(h.audit("Orch", id, 3, true, false, false))
	cut := 100 * USD * DefaultParams().SlashBps / 10000
	d := h.deal(id)
	if d.Shards[1].State != ShardLost || d.Shards[1].Slashed != cut || d.Shards[1].Failed != 3 || d.Slashed != cut {
		t.Fatalf("deal after three failures %+v", d)
	}
	if d.Shards[2].State != ShardLive || d.Shards[2].Fails != 1 {
		t.Fatalf("P3's shard %+v", d.Shards[2])
	}
	if p := h.provider("P2"); p.Stake != 100*USD-cut || p.Slashed != cut || h.balance("P2") != p2 {
		t.Fatalf("P2 %+v balance %d", p, h.balance("P2"))
	}
	if got := h.balance("Alice") - alice; got != cut {
		t.Fatalf("Alice got %d, want the slash %d", got, cut)
	}
	if r := h.reputation("P2"); r.Lost != 2 || r.Failures != 1 {
		t.Fatalf("P2 reputation %+v", r)
	}
	if !hasEvent(res[0], "storage_lost", "to", h.addr("Alice")) || !hasEvent(res[0], "storage_audit", "slashed", "10000000") {
		t.Fatalf("events %+v", res[0].Events)
	}
	// A lost shard is no longer audited or paid.
	h.unchanged(t, "audit a lost shard", CodeConflict, "Orch", h.audit("Orch", id, 4, true, true, true))
	h.ok(h.auditMsg("Orch", &MsgAuditDeal{Deal: id, Period: 4, Results: []AuditResult{{Index: 0, Pass: true}, {Index: 2, Pass: true}}}))
	if h.balance("P2") != p2 {
		t.Fatal("a lost shard was paid")
	}
	// Six passes in four periods were paid.
	if d := h.deal(id); d.PerPeriod() != 2*USD || d.Balance != 44*USD {
		t.Fatalf("deal %+v", d)
	}
	// Closing now refunds what was not paid: failed periods included.
	alice = h.balance("Alice")
	h.ok(h.closeDeal("Alice", id))
	if got := h.balance("Alice") - alice; got != 44*USD {
		t.Fatalf("Alice got %d back", got)
	}
}

func TestAuditPeriodRules(t *testing.T) {
	h, id := dealSetupBlocks(t, 30*USD, 3, 50, USD)
	d := h.deal(id)
	all := func(p int64) []byte { return h.audit("Orch", id, p, true, true, true) }
	h.unchanged(t, "owner reports", CodeUnauthorized, "Alice", h.audit("Alice", id, 1, true, true, true))
	h.unchanged(t, "stranger reports", CodeUnauthorized, "Bob", h.audit("Bob", id, 1, true, true, true))
	h.unchanged(t, "another arbiter", CodeUnauthorized, "Orch2", h.audit("Orch2", id, 1, true, true, true))
	h.unchanged(t, "skip period 1", CodeConflict, "Orch", all(2))
	h.unchanged(t, "period past the deal", CodeInvalid, "Orch", all(4))
	h.unchanged(t, "missing shard", CodeConflict, "Orch", h.audit("Orch", id, 1, true, true))
	h.unchanged(t, "unknown shard", CodeNotFound, "Orch", h.audit("Orch", id, 1, true, true, true, true))
	h.unchanged(t, "missing deal", CodeNotFound, "Orch", h.audit("Orch", "d-none", 1, true))
	h.ok(all(1))
	h.unchanged(t, "period 1 twice", CodeConflict, "Orch", all(1))
	// Period 2 starts PeriodBlocks after the deal opened.
	if h.l.Height()+1 >= d.PeriodStart(2) {
		t.Fatalf("the setup reached period 2 already (height %d)", h.l.Height())
	}
	h.unchanged(t, "period 2 before it starts", CodeConflict, "Orch", all(2))
	h.untilHeight(d.PeriodStart(2))
	h.ok(all(2))
	// Late reports are taken until the grace period ends.
	h.untilHeight(d.ClosableAt - 1)
	h.ok(all(3))
	if r := h.unchanged(t, "audit at the grace's end", CodeConflict, "Orch", all(4)); !strings.Contains(r.Log, "over") {
		t.Fatalf("refused for another reason: %s", r.Log)
	}
	if got := h.deal(id); got.Audited != 3 || got.Balance != 21*USD {
		t.Fatalf("deal %+v", got)
	}
	// An unassigned deal takes no audit; a deal past its grace none either.
	tx, open := h.openDeal("Bob", "Orch", USD, 1, 1)
	h.ok(tx)
	h.unchanged(t, "audit an open deal", CodeConflict, "Orch", h.audit("Orch", open, 1, true))
	h.block()
	if r := h.unchanged(t, "audit after the grace", CodeConflict, "Orch", h.audit("Orch", open, 1, true)); !strings.Contains(r.Log, "over") {
		t.Fatalf("refused for another reason: %s", r.Log)
	}
	if r := h.unchanged(t, "assign after the grace", CodeConflict, "Orch", h.assignDeal("Orch", open, h.shardsOn(1, "P1"))); !strings.Contains(r.Log, "over") {
		t.Fatalf("refused for another reason: %s", r.Log)
	}
}

func TestLastPeriodAfterGraceIsNotTaken(t *testing.T) {
	h, id := dealSetup(t, 30*USD, 2, USD)
	d := h.deal(id)
	h.ok(h.audit("Orch", id, 1, true, true, true))
	h.untilHeight(d.ClosableAt)
	h.unchanged(t, "audit at ClosableAt", CodeConflict, "Orch", h.audit("Orch", id, 2, true, true, true))
	h.unchanged(t, "replace at ClosableAt", CodeConflict, "Orch", h.replaceShard("Orch", id, 0, "P1", USD))
	alice := h.balance("Alice")
	res := h.ok(h.closeDeal("Bob", id))
	if got := h.balance("Alice") - alice; got != 27*USD {
		t.Fatalf("Alice got %d back", got)
	}
	if d := h.deal(id); d.Outcome != DealEnded || d.ClosedBy != h.addr("Bob") || d.Refunded != 27*USD || d.Balance != 0 {
		t.Fatalf("closed deal %+v", d)
	}
	if !hasEvent(res[0], "storage_close", "refunded", "27000000") {
		t.Fatalf("events %+v", res[0].Events)
	}
}

func TestReplaceShard(t *testing.T) {
	h, id := dealSetup(t, 40*USD, 10, USD)
	h.ok(h.register("Dave", 100*USD), h.register("Charlie", 100*USD))
	for p := int64(1); p <= 3; p++ {
		h.untilHeight(h.deal(id).PeriodStart(p))
		h.ok(h.audit("Orch", id, p, true, false, true))
	}
	if h.deal(id).Shards[1].State != ShardLost {
		t.Fatal("the setup did not lose shard 1")
	}
	// Three periods paid two shards: 34 USD are left for 7 periods, at most
	// 4.857142 USD a period, of which the two live shards take 2.
	if d := h.deal(id); d.Balance != 34*USD || d.Remaining() != 7 {
		t.Fatalf("deal %+v", d)
	}
	h.unchanged(t, "owner replaces", CodeUnauthorized, "Alice", h.replaceShard("Alice", id, 1, "Dave", USD))
	h.unchanged(t, "unknown index", CodeNotFound, "Orch", h.replaceShard("Orch", id, 9, "Dave", USD))
	h.unchanged(t, "to a holder of a live shard", CodeConflict, "Orch", h.replaceShard("Orch", id, 1, "P3", USD))
	h.unchanged(t, "to a stranger", CodeNotFound, "Orch", h.replaceShard("Orch", id, 1, "Bob", USD))
	h.unchanged(t, "over budget", CodeInsufficientFund, "Orch", h.replaceShard("Orch", id, 1, "Dave", 34*USD/7-2*USD+1))
	res := h.ok(h.replaceShard("Orch", id, 1, "Dave", 34*USD/7-2*USD))
	d := h.deal(id)
	s := d.Shards[1]
	if s.Provider != h.addr("Dave") || s.State != ShardLive || s.Fails != 0 || s.Passed != 0 || s.Root != testRoot(101) || s.Since != h.l.Height() {
		t.Fatalf("replaced shard %+v", s)
	}
	if !hasEvent(res[0], "storage_replace", "from", h.addr("P2")) || !hasEvent(res[0], "storage_shard", "provider", h.addr("Dave")) {
		t.Fatalf("events %+v", res[0].Events)
	}
	if v, _ := h.l.Query(QueryDealsByProvider + h.addr("P2")); len(v.([]Deal)) != 0 {
		t.Fatalf("P2 still indexed: %+v", v)
	}
	if v, _ := h.l.Query(QueryDealsByProvider + h.addr("Dave")); len(v.([]Deal)) != 1 {
		t.Fatalf("Dave not indexed: %+v", v)
	}
	p2, dave := h.balance("P2"), h.balance("Dave")
	h.untilHeight(d.PeriodStart(4))
	h.ok(h.audit("Orch", id, 4, true, true, true))
	per := 34*USD/7 - 2*USD
	if h.balance("P2") != p2 || h.balance("Dave")-dave != per-Fee(per, DefaultParams().FeeBps) {
		t.Fatalf("P2 got %d, Dave %d", h.balance("P2")-p2, h.balance("Dave")-dave)
	}
	// A live shard can move too: its former holder is paid no more.
	h.ok(h.replaceShard("Orch", id, 0, "Charlie", USD))
	p1 := h.balance("P1")
	h.untilHeight(d.PeriodStart(5))
	h.ok(h.audit("Orch", id, 5, true, true, true))
	if h.balance("P1") != p1 {
		t.Fatal("a replaced provider was paid")
	}
	// Once every period is reported, there is nothing to move.
	for p := int64(6); p <= 10; p++ {
		h.untilHeight(d.PeriodStart(p))
		h.ok(h.audit("Orch", id, p, true, true, true))
	}
	h.unchanged(t, "replace after the last period", CodeConflict, "Orch", h.replaceShard("Orch", id, 0, "P1", 1))
}

func TestCloseDeal(t *testing.T) {
	h, id := dealSetup(t, 50*USD, 4, USD)
	h.ok(h.audit("Orch", id, 1, true, true, true))
	d := h.deal(id)
	h.unchanged(t, "stranger before the end", CodeUnauthorized, "Bob", h.closeDeal("Bob", id))
	h.unchanged(t, "provider before the end", CodeUnauthorized, "P1", h.closeDeal("P1", id))
	h.unchanged(t, "missing deal", CodeNotFound, "Alice", h.closeDeal("Alice", "d-none"))
	alice, tr := h.balance("Alice"), h.treasury()
	res := h.ok(h.closeDeal("Alice", id))
	if got := h.balance("Alice") - alice; got != 47*USD {
		t.Fatalf("Alice got %d back, want 47 USD", got)
	}
	d = h.deal(id)
	if d.State != DealClosed || d.Outcome != DealRemoved || d.Balance != 0 || d.Refunded != 47*USD || d.ClosedAt != h.l.Height() ||
		d.ClosedBy != h.addr("Alice") || h.treasury() != tr {
		t.Fatalf("closed deal %+v", d)
	}
	if !hasEvent(res[0], "storage_close", "outcome", DealRemoved) {
		t.Fatalf("events %+v", res[0].Events)
	}
	// A closed deal is final.
	h.unchanged(t, "close twice", CodeConflict, "Alice", h.closeDeal("Alice", id))
	h.unchanged(t, "audit a closed deal", CodeConflict, "Orch", h.audit("Orch", id, 2, true, true, true))
	h.unchanged(t, "replace in a closed deal", CodeConflict, "Orch", h.replaceShard("Orch", id, 0, "P1", 1))
	h.untilHeight(d.ClosableAt + 1)
	h.unchanged(t, "close twice after the end", CodeConflict, "Bob", h.closeDeal("Bob", id))

	// In one block, the second close loses.
	tx, id2 := h.openDeal("Charlie", "Orch", 5*USD, 1, 1)
	h.ok(tx)
	rs := h.block(h.closeDeal("Charlie", id2), h.closeDeal("Charlie", id2))
	mustCode(t, "first close", rs[0], CodeOK)
	mustCode(t, "second close", rs[1], CodeConflict)
	if h.balance("Charlie") != testFunds {
		t.Fatalf("Charlie has %d", h.balance("Charlie"))
	}
	// The arbiter may end a deal too (say its upload failed): the owner is
	// refunded.
	tx, id3 := h.openDeal("Charlie", "Orch", 5*USD, 10, 10)
	h.ok(tx)
	h.unchanged(t, "another arbiter closes", CodeUnauthorized, "Orch2", h.closeDeal("Orch2", id3))
	h.ok(h.closeDeal("Orch", id3))
	if d := h.deal(id3); d.Outcome != DealCancelled || h.balance("Charlie") != testFunds {
		t.Fatalf("deal %+v, Charlie %d", d, h.balance("Charlie"))
	}
}

func TestCloseByAnyoneAfterTheEnd(t *testing.T) {
	h, id := dealSetup(t, 50*USD, 2, USD)
	d := h.deal(id)
	h.untilHeight(d.EndsAt)
	// Between the end and the grace's end, only the owner and arbiter.
	h.unchanged(t, "stranger during the grace", CodeUnauthorized, "Bob", h.closeDeal("Bob", id))
	h.untilHeight(d.ClosableAt)
	alice := h.balance("Alice")
	h.ok(h.closeDeal("Bob", id))
	if got := h.balance("Alice") - alice; got != 50*USD {
		t.Fatalf("Alice got %d back", got)
	}
	if got := h.deal(id); got.Outcome != DealEnded || got.ClosedBy != h.addr("Bob") {
		t.Fatalf("deal %+v", got)
	}
	// The owner closing during the grace ends it too.
	h2, id2 := dealSetup(t, 50*USD, 2, USD)
	h2.untilHeight(h2.deal(id2).EndsAt)
	h2.ok(h2.audit("Orch", id2, 1, true, true, true), h2.audit("Orch", id2, 2, true, true, true))
	h2.ok(h2.closeDeal("Alice", id2))
	if got := h2.deal(id2); got.Outcome != DealEnded || got.Refunded != 44*USD || got.Paid+got.Fee != 6*USD {
		t.Fatalf("deal %+v", got)
	}
}

// A whole deal, start to end, conserves money: the owner's loss is
// exactly what providers and the treasury gained, minus what slashes
// returned.
func TestDealConservesMoney(t *testing.T) {
	h, id := dealSetup(t, 100*USD, 6, 3*USD)
	names := []string{"Alice", "P1", "P2", "P3"}
	start := map[string]int64{}
	for _, n := range names {
		start[n] = h.balance(n)
	}
	stake := func() int64 {
		var s int64
		for _, p := range []string{"P1", "P2", "P3"} {
			s += h.provider(p).Stake
		}
		return s
	}
	stake0 := stake()
	d := h.deal(id)
	// Shard 2 is lost in period 3 and reported no more.
	results := [][]bool{{true, true, false}, {true, false, false}, {false, true, false}, {true, false}, {true, true}}
	for i, r := range results {
		h.untilHeight(d.PeriodStart(int64(i + 1)))
		h.ok(h.audit("Orch", id, int64(i+1), r...))
	}
	h.ok(h.closeDeal("Alice", id))
	d = h.deal(id)
	var gained int64
	for _, n := range names {
		gained += h.balance(n) - start[n]
	}
	// Balances gained the deal's balance at the start of the test (it was
	// locked before), minus the fees, plus the slashed stake.
	if want := 100*USD - d.Fee + (stake0 - stake()); gained != want || d.Fee != h.treasury() {
		t.Fatalf("balances gained %d, want %d (deal %+v)", gained, want, d)
	}
	if d.Shards[2].State != ShardLost || d.Slashed != stake0-stake() || d.Slashed == 0 {
		t.Fatalf("deal %+v", d)
	}
	if r := h.l.CheckInvariants(); !r.OK() {
		t.Fatal(r.Problems)
	}
}

// Sums that would overflow int64 are refused as over budget, never
// wrapped into a budget that fits.
func TestAssignBudgetDoesNotOverflow(t *testing.T) {
	h := newHarness(t)
	var regs [][]byte
	names := []string{"P1", "P2", "P3", "Bob", "Charlie", "Dave", "Eve"}
	for _, n := range names {
		regs = append(regs, h.register(n, 10*USD))
	}
	h.ok(regs...)
	tx, id := h.openDeal("Alice", "Orch", 500*USD, MaxDealPeriods, 1)
	h.ok(tx)
	h.unchanged(t, "huge shards", CodeInsufficientFund, "Orch", h.assignDeal("Orch", id, h.shardsOn(MaxAmount, names...)))
	h.ok(h.assignDeal("Orch", id, h.shardsOn(500*USD/MaxDealPeriods/int64(len(names)), names...)))
}

func TestDealQueries(t *testing.T) {
	h, id := dealSetup(t, 30*USD, 3, USD)
	for _, path := range []string{QueryDeal + id, QueryDealsByOwner + h.addr("Alice"), QueryDealsByProvider + h.addr("P1")} {
		if _, err := h.l.QueryJSON(path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for path, want := range map[string]Code{QueryDeal + "d-none": CodeNotFound, QueryDealsByOwner + "nope": CodeInvalid,
		QueryDealsByProvider + "nope": CodeInvalid, "deals/": CodeNotFound, "deals/other/x": CodeNotFound} {
		if _, err := h.l.QueryJSON(path); CodeOf(err) != want {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	v, _ := h.l.Query(QueryDeal + id)
	if d := v.(Deal); d.ID != id || len(d.Shards) != 3 {
		t.Fatalf("deal %+v", d)
	}
	if v, _ := h.l.Query(QueryDealsByOwner + h.addr("Bob")); len(v.([]Deal)) != 0 {
		t.Fatalf("Bob's deals %+v", v)
	}
}
