package ledger

import "testing"

// ctxOn is an execCtx over a fresh overlay of h's committed state.
func ctxOn(h *harness, height int64) *execCtx {
	return &execCtx{s: newOverlay(h.l.st), height: height, params: getParams(h.l.st), chainID: h.chainID}
}

func TestReputationScore(t *testing.T) {
	if got := (Reputation{}).Score(); got != 500_000 {
		t.Fatalf("a newcomer scores %d", got)
	}
	h := newHarness(t)
	c := ctxOn(h, 7)
	addr := h.addr("P1")
	c.reputation(addr, outcomeSuccess)
	r := getReputation(c.s, addr)
	if r.Alpha != ppm || r.Beta != 0 || r.Successes != 1 || r.Updated != 7 {
		t.Fatalf("after one success %+v", r)
	}
	if r.Score() != 2*ppm*ppm/(3*ppm) {
		t.Fatalf("score %d", r.Score())
	}
	c.reputation(addr, outcomeWrong)
	r = getReputation(c.s, addr)
	decay := DefaultParams().ReputationDecay
	if r.Alpha != ppm*decay/ppm || r.Beta != ppm || r.Failures != 1 {
		t.Fatalf("after a wrong result %+v", r)
	}
	c.reputation(addr, outcomeLost)
	r = getReputation(c.s, addr)
	if r.Beta != ppm*decay/ppm+ppm/2 || r.Lost != 1 {
		t.Fatalf("after a lost task %+v", r)
	}
}

// Old outcomes fade: a long clean record outweighs an early failure, and
// the weights stay bounded by ppm/(1-decay).
func TestReputationDecays(t *testing.T) {
	h := newHarness(t)
	c := ctxOn(h, 1)
	addr := h.addr("P1")
	c.reputation(addr, outcomeWrong)
	for range 2000 {
		c.reputation(addr, outcomeSuccess)
	}
	r := getReputation(c.s, addr)
	if r.Beta != 0 {
		t.Fatalf("an old failure still weighs %d", r.Beta)
	}
	bound := int64(ppm) * ppm / (ppm - DefaultParams().ReputationDecay)
	if r.Alpha > bound || r.Alpha < bound*9/10 {
		t.Fatalf("alpha %d, bound %d", r.Alpha, bound)
	}
	if r.Score() < 990_000 {
		t.Fatalf("score %d after 2000 successes", r.Score())
	}
	// One fresh failure hurts more than an old one.
	c.reputation(addr, outcomeWrong)
	if s := getReputation(c.s, addr).Score(); s >= r.Score() {
		t.Fatalf("a failure did not lower the score: %d >= %d", s, r.Score())
	}
}
