package ledger

import (
	"testing"
)

func TestLockComputesEscrowID(t *testing.T) {
	h := newHarness(t)
	h.ok(h.transfer("Alice", "Bob", USD)) // Alice's next nonce is 1
	tx, id := h.lock("Alice", "Orch", 30*USD, 20)
	if want := EscrowID(h.acct("Alice").PublicKey(), 1); id != want {
		t.Fatalf("harness ID %s, want %s", id, want)
	}
	res := h.ok(tx)
	if string(res[0].Data) != id {
		t.Fatalf("lock returned %q, want %s", res[0].Data, id)
	}
	e := h.escrow(id)
	want := Escrow{ID: id, Owner: h.addr("Alice"), Arbiter: h.addr("Orch"), Amount: 30 * USD, State: EscrowOpen,
		CreatedAt: 2, ExpiresAt: 22}
	if e != want {
		t.Fatalf("escrow %+v\nwant %+v", e, want)
	}
	if got := h.balance("Alice"); got != testFunds-31*USD {
		t.Fatalf("Alice has %d", got)
	}
	// Another sender with the same nonce gets another ID; the same sender
	// with the next nonce too.
	ids := map[string]bool{id: true}
	for _, k := range []string{EscrowID(h.acct("Bob").PublicKey(), 1), EscrowID(h.acct("Alice").PublicKey(), 2)} {
		if ids[k] {
			t.Fatalf("escrow ID %s repeats", k)
		}
		ids[k] = true
	}
	h.fails(CodeInsufficientFund, func() []byte { tx, _ := h.lock("Alice", "Orch", testFunds, 20); return tx }())
}

func TestLockRefusesBadFields(t *testing.T) {
	h := newHarness(t)
	for name, m := range map[string]*MsgLock{
		"zero amount":    {Arbiter: h.addr("Orch"), Amount: 0, ExpiresIn: 10},
		"no expiry":      {Arbiter: h.addr("Orch"), Amount: USD, ExpiresIn: 0},
		"too long":       {Arbiter: h.addr("Orch"), Amount: USD, ExpiresIn: MaxEscrowBlocks + 1},
		"bad arbiter":    {Arbiter: "5Nope", Amount: USD, ExpiresIn: 10},
		"huge amount":    {Arbiter: h.addr("Orch"), Amount: MaxAmount + 1, ExpiresIn: 10},
		"negative value": {Arbiter: h.addr("Orch"), Amount: -1, ExpiresIn: 10},
	} {
		if _, err := NewTx(h.acct("Alice"), testChain, 0, m); CodeOf(err) != CodeInvalid {
			t.Errorf("%s: NewTx returned %v", name, err)
		}
		payload, _ := marshal(m)
		raw := rawTx(h.acct("Alice"), testChain, 0, TypeLock, payload)
		mustCode(t, name+" CheckTx", h.l.CheckTx(raw), CodeInvalid)
	}
}

func TestAssignOnlyByArbiterOnceOneEscrowPerJob(t *testing.T) {
	h := newHarness(t)
	lock1, e1 := h.lock("Alice", "Orch", 10*USD, 50)
	lock2, e2 := h.lock("Bob", "Orch", 10*USD, 50)
	h.ok(lock1, lock2)
	h.fails(CodeNotFound, h.assign("Orch", "e-missing", "job-1"))
	h.fails(CodeUnauthorized, h.assign("Alice", e1, "job-1"))
	h.fails(CodeUnauthorized, h.assign("Orch2", e1, "job-1"))
	if e := h.escrow(e1); e.State != EscrowOpen || e.Job != "" {
		t.Fatalf("an unauthorized assign changed %+v", e)
	}
	h.ok(h.assign("Orch", e1, "job-1"))
	if e := h.escrow(e1); e.State != EscrowAssigned || e.Job != "job-1" {
		t.Fatalf("after assign %+v", e)
	}
	h.fails(CodeConflict, h.assign("Orch", e1, "job-1"))
	h.fails(CodeConflict, h.assign("Orch", e1, "job-2"))
	h.fails(CodeConflict, h.assign("Orch", e2, "job-1"))
	// In one block: the second escrow for the same new job loses.
	res := h.block(h.assign("Orch", e2, "job-3"), h.assign("Orch", e1, "job-3"))
	mustCode(t, "first", res[0], CodeOK)
	mustCode(t, "second", res[1], CodeConflict)
	var id string
	if !read(h.l.st, jobKey(h.addr("Orch"), "job-1"), &id) || id != e1 {
		t.Fatalf("job-1 points to %q", id)
	}
}

func TestExpireOnlyAfterExpiresAtRefundsOnce(t *testing.T) {
	h := newHarness(t)
	tx, id := h.lock("Alice", "Orch", 25*USD, 5)
	h.ok(tx)
	e := h.escrow(id)
	if e.ExpiresAt != e.CreatedAt+5 {
		t.Fatalf("escrow %+v", e)
	}
	for h.l.Height() < e.ExpiresAt-2 {
		h.block()
	}
	// The next block is ExpiresAt-1: too early, whoever asks.
	h.fails(CodeConflict, h.expire("Bob", id))
	if h.l.Height() != e.ExpiresAt-1 || h.escrow(id).State != EscrowOpen {
		t.Fatalf("height %d escrow %+v", h.l.Height(), h.escrow(id))
	}
	before := h.balance("Alice")
	// At ExpiresAt anyone may expire it; a second expiry in the same block
	// and later ones are refused, as is settling it.
	res := h.block(h.expire("Bob", id), h.expire("Alice", id))
	mustCode(t, "expire", res[0], CodeOK)
	mustCode(t, "expire again", res[1], CodeConflict)
	if got := h.balance("Alice"); got != before+25*USD {
		t.Fatalf("Alice got %d back, want %d", got-before, 25*USD)
	}
	e = h.escrow(id)
	if e.State != EscrowExpired || e.Refunded != 25*USD || e.Paid != 0 || e.Fee != 0 || e.SettledAt != h.l.Height() {
		t.Fatalf("expired escrow %+v", e)
	}
	h.fails(CodeConflict, h.expire("Alice", id))
	h.fails(CodeConflict, h.settle("Orch", &MsgSettle{Escrow: id, Job: "j", Outcome: OutcomeCompleted}))
	if got := h.balance("Alice"); got != before+25*USD {
		t.Fatalf("Alice has %d after the refused retries", got)
	}
	h.fails(CodeNotFound, h.expire("Alice", "e-missing"))
}

func TestExpireAssignedEscrow(t *testing.T) {
	h := newHarness(t)
	tx, id := h.lock("Alice", "Orch", 25*USD, 1)
	h.ok(tx, h.assign("Orch", id, "job-x"))
	h.ok(h.expire("Alice", id))
	if e := h.escrow(id); e.State != EscrowExpired || e.Job != "job-x" {
		t.Fatalf("%+v", e)
	}
	if h.balance("Alice") != testFunds {
		t.Fatalf("Alice has %d", h.balance("Alice"))
	}
	// The job stays taken: it cannot get a second escrow.
	tx2, id2 := h.lock("Alice", "Orch", USD, 10)
	h.ok(tx2)
	h.fails(CodeConflict, h.assign("Orch", id2, "job-x"))
}
