package ledger

import (
	"bytes"
	"path/filepath"
	"testing"
)

// cycle builds a block's worth of varied transactions on h.
func cycle(h *harness, i int) [][]byte {
	lock, id := h.lock("Alice", "Orch", 3*USD, 2)
	job := "job-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	return [][]byte{
		h.transfer("Bob", "Charlie", int64(i+1)*1000),
		lock,
		h.assign("Orch", id, job),
		h.settle("Orch", &MsgSettle{Escrow: id, Job: job, Outcome: OutcomeCompleted,
			Payouts: []Payout{h.pay("P1", "t1", USD), h.pay("P2", "t2", USD/2)}}),
		h.burn("Dave", 1000),
		h.mint("Bridge", "Eve", 2000, "ref-"+job),
		h.transfer("Eve", "Alice", testFunds*10), // fails: uses the nonce only
	}
}

func TestRestartKeepsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	h := newHarnessAt(t, path)
	h.ok(h.register("P1", 50*USD), h.register("P2", 50*USD))
	for i := range 10 {
		h.block(cycle(h, i)...)
	}
	h.ok(h.unregister("P2"))
	height, hash := h.l.Height(), h.l.AppHash()
	state := h.snapshot()
	if err := h.l.Close(); err != nil {
		t.Fatal(err)
	}

	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Height() != height || !bytes.Equal(l.AppHash(), hash) || l.ChainID() != testChain {
		t.Fatalf("reopened at %d %x, want %d %x", l.Height(), l.AppHash(), height, hash)
	}
	h.l = l
	if d := diffKeys(state, h.snapshot()); len(d) != 0 {
		t.Fatalf("reopened state differs at %v", d)
	}
	// InitChain on a reopened state only checks the chain ID.
	if got, err := l.InitChain(testChain, h.genesis); err != nil || !bytes.Equal(got, hash) {
		t.Fatalf("InitChain after restart: %x %v", got, err)
	}
	// It goes on from where it stopped, with the same nonces.
	h.ok(h.transfer("Alice", "Bob", USD))
	if r := h.l.CheckInvariants(); !r.OK() || r.Height != height+1 {
		t.Fatalf("%+v", r)
	}
}

func TestSameBlocksSameAppHash(t *testing.T) {
	a := newHarness(t)
	b := newHarnessAt(t, filepath.Join(t.TempDir(), "b.db"))
	if !bytes.Equal(a.l.AppHash(), b.l.AppHash()) {
		t.Fatal("genesis hashes differ")
	}
	hashes := map[string]int64{string(a.l.AppHash()): 0}
	apply := func(txs ...[]byte) {
		t.Helper()
		ra, rb := a.block(txs...), b.block(txs...)
		for i := range ra {
			if ra[i].Code != rb[i].Code {
				t.Fatalf("tx %d: %v vs %v", i, ra[i].Code, rb[i].Code)
			}
		}
		if !bytes.Equal(a.l.AppHash(), b.l.AppHash()) {
			t.Fatalf("app hashes differ at height %d", a.l.Height())
		}
		if h, dup := hashes[string(a.l.AppHash())]; dup {
			t.Fatalf("height %d repeats the app hash of %d", a.l.Height(), h)
		}
		hashes[string(a.l.AppHash())] = a.l.Height()
	}
	apply(a.register("P1", 50*USD), a.register("P2", 50*USD))
	for i := range 20 {
		apply(cycle(a, i)...)
		if i%5 == 0 {
			apply() // empty blocks also advance the hash
		}
	}
	// The hash commits to the state a block leads to: two blocks with the
	// same commuting transfers in another order write the same keys and
	// values, so they agree.
	c := newHarness(t)
	t1, t2 := c.transfer("Alice", "Bob", 1), c.transfer("Charlie", "Bob", 1)
	d := newHarness(t)
	c.ok(t1, t2)
	d.ok(t2, t1)
	if !bytes.Equal(c.l.AppHash(), d.l.AppHash()) {
		t.Fatal("the same writes gave different app hashes")
	}
	// One more micro-USD anywhere changes it.
	d.resync("Alice")
	c.ok(c.transfer("Alice", "Bob", 1))
	d.ok(d.transfer("Alice", "Bob", 2))
	if bytes.Equal(c.l.AppHash(), d.l.AppHash()) {
		t.Fatal("different states have the same app hash")
	}
}

func TestOpenBadPath(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing-dir", "x", "state.db"), nil); err == nil {
		t.Fatal("opened a state in a directory that does not exist")
	}
}
