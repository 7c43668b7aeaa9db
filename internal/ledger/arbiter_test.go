package ledger

import (
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/identity"
)

// Only the chain's arbiters settle escrows, and never their own: otherwise
// anyone could lock a micro-dollar and slash any provider to themselves.
func TestEscrowNeedsAKnownArbiterOtherThanItsOwner(t *testing.T) {
	h := newHarness(t)
	h.ok(h.register("P1", 10*USD))
	before := h.snapshot()
	tx, _ := h.lock("Eve", "Eve", 1, 100)
	h.fails(CodeInvalid, tx)
	tx, _ = h.lock("Eve", "Bob", 1, 100)
	h.fails(CodeUnauthorized, tx)
	changed := diffKeys(before, h.snapshot())
	if len(changed) != 1 || changed[0] != prefAccount+h.addr("Eve") || h.balance("Eve") != testFunds {
		t.Fatalf("refused locks changed %v", changed)
	}
	// An arbiter cannot arbitrate its own escrow either.
	tx, _ = h.lock("Orch", "Orch", USD, 100)
	h.fails(CodeInvalid, tx)
}

func TestSettlementFaultsAProviderOnce(t *testing.T) {
	h := newHarness(t)
	h.ok(h.register("P1", 10*USD))
	tx, id := h.lock("Alice", "Orch", USD, 100)
	h.ok(tx)
	f := Fault{Peer: h.peerID("P1"), Task: "t1", Kind: FaultWrongResult}
	g := f
	g.Task = "t2"
	h.fails(CodeInvalid, h.unchecked("Orch", &MsgSettle{Escrow: id, Job: "j", Outcome: OutcomeFailed, Faults: []Fault{f, g}}))
	if p := h.provider("P1"); p.Stake != 10*USD {
		t.Fatalf("stake %d after a refused settlement", p.Stake)
	}
}

// State is keyed by the generic form of an address: the Polkadot form of
// the same key is refused rather than credited to an unspendable account.
func TestPolkadotFormAddressesAreRefused(t *testing.T) {
	h := newHarness(t)
	pub := h.acct("Bob").PublicKey()
	dot := identity.PolkadotAddressOf(pub)
	r := h.fails(CodeInvalid, h.unchecked("Alice", &MsgTransfer{To: dot, Amount: USD}))
	if !strings.Contains(r.Log, h.addr("Bob")) {
		t.Fatalf("the refusal should name the generic form: %s", r.Log)
	}
	if h.balance("Bob") != testFunds {
		t.Fatal("Bob's balance changed")
	}
}

// A job ID belongs to its arbiter: another arbiter using the same ID does
// not block it.
func TestJobIDsAreTheArbitersOwn(t *testing.T) {
	h := newHarness(t)
	tx1, e1 := h.lock("Alice", "Orch", USD, 100)
	tx2, e2 := h.lock("Bob", "Orch2", USD, 100)
	h.ok(tx1, tx2)
	h.ok(h.assign("Orch2", e2, "job-7"))
	h.ok(h.assign("Orch", e1, "job-7"))
	if h.escrow(e1).Job != "job-7" || h.escrow(e2).Job != "job-7" {
		t.Fatal("both arbiters should hold their own job-7")
	}
}

// A provider that moved to a new peer still answers for its old peer's
// work: the old peer keeps pointing to its account.
func TestOldPeerStillPaidAndSlashedAfterReregistering(t *testing.T) {
	h := newHarness(t, withParams(func(p *Params) { p.UnbondingBlocks = 1 }))
	h.ok(h.register("P1", 10*USD))
	oldPeer := h.peerID("P1")
	h.ok(h.unregister("P1"))
	h.blocks(2)
	m := h.registerMsg("P2", 10*USD) // P2's peer key, bound to P1's account
	priv, _ := testPeerKey(t, "P2")
	sig, _ := priv.Sign(BindMessage(h.chainID, h.addr("P1")))
	m.PeerSig = sig
	h.ok(h.next("P1", m))
	tx, id := h.lock("Alice", "Orch", USD, 100)
	h.ok(tx)
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "j", Outcome: OutcomeFailed,
		Faults: []Fault{{Peer: oldPeer, Task: "t", Kind: FaultWrongResult}}}))
	if p := h.provider("P1"); p.Slashed == 0 {
		t.Fatalf("the old peer's wrong result went unpunished: %+v", p)
	}
}

func TestGenesisIsStrict(t *testing.T) {
	for name, js := range map[string]string{
		"unknown field":    `{"params":{"feeBps":100,"slashBsp":1000,"minStake":1,"unbondingBlocks":10,"reputationDecay":990000},"accounts":[]}`,
		"no unbonding":     `{"params":{"feeBps":100,"slashBps":1000,"minStake":1,"unbondingBlocks":0,"reputationDecay":990000},"accounts":[]}`,
		"trailing data":    `{"params":{"feeBps":100,"slashBps":1000,"minStake":1,"unbondingBlocks":10,"reputationDecay":990000},"accounts":[]} {}`,
		"polkadot arbiter": `{"params":{"feeBps":100,"slashBps":1000,"minStake":1,"unbondingBlocks":10,"reputationDecay":990000,"arbiters":["15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"]},"accounts":[]}`,
		"decay of one":     `{"params":{"feeBps":100,"slashBps":1000,"minStake":1,"unbondingBlocks":10,"reputationDecay":1000000},"accounts":[]}`,
	} {
		if _, err := ParseGenesis([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := `{"params":{"feeBps":100,"slashBps":1000,"minStake":1,"unbondingBlocks":10,"reputationDecay":990000,"arbiters":[]},"accounts":[]}`
	if _, err := ParseGenesis([]byte(ok)); err != nil {
		t.Errorf("a valid genesis: %v", err)
	}
}

// unchecked signs m with name's next nonce without the checks NewTx runs,
// as a hostile client would.
func (h *harness) unchecked(name string, m Msg) []byte {
	h.t.Helper()
	payload, err := marshal(m)
	if err != nil {
		h.t.Fatal(err)
	}
	tx := rawTx(h.acct(name), h.chainID, h.nonce[name], m.Type(), payload)
	h.nonce[name]++
	return tx
}
