package ledger

import (
	"testing"
)

func TestRegisterWithPeerSignature(t *testing.T) {
	h := newHarness(t)
	res := h.ok(h.register("P1", 50*USD))
	p := h.provider("P1")
	if !p.Active || p.Stake != 50*USD || p.PeerID != h.peerID("P1") || p.RegisteredAt != 1 || p.Unbonding != 0 {
		t.Fatalf("provider %+v", p)
	}
	if got := h.balance("P1"); got != testFunds-50*USD {
		t.Fatalf("P1 has %d after staking", got)
	}
	if byPeer, ok := providerByPeer(h.l.st, h.peerID("P1")); !ok || byPeer.Address != h.addr("P1") {
		t.Fatalf("peer index: %+v %v", byPeer, ok)
	}
	if !hasEvent(res[0], "register", "peer", h.peerID("P1")) {
		t.Fatalf("events %+v", res[0].Events)
	}
	// Registering again while active is a conflict, not a second stake.
	h.fails(CodeConflict, h.register("P1", 50*USD))
	if h.provider("P1").Stake != 50*USD {
		t.Fatal("a second registration changed the stake")
	}
}

func TestRegisterWrongPeerSignature(t *testing.T) {
	h := newHarness(t)
	priv, _ := testPeerKey(t, "P1")
	cases := map[string]func(m *MsgRegister){
		"signed for another account": func(m *MsgRegister) {
			m.PeerSig, _ = priv.Sign(BindMessage(testChain, h.addr("Bob")))
		},
		"signed for another chain": func(m *MsgRegister) {
			m.PeerSig, _ = priv.Sign(BindMessage("other-chain", h.addr("P1")))
		},
		"signed by another peer key": func(m *MsgRegister) {
			other, _ := testPeerKey(t, "P2")
			m.PeerSig, _ = other.Sign(BindMessage(testChain, h.addr("P1")))
		},
		"bit flipped": func(m *MsgRegister) { m.PeerSig[3] ^= 0x10 },
		"garbage":     func(m *MsgRegister) { m.PeerSig = []byte("not a signature") },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			m := h.registerMsg("P1", 50*USD)
			mutate(m)
			before := h.snapshot()
			h.fails(CodeBadSignature, h.next("P1", m))
			if d := diffKeys(before, h.snapshot()); len(d) != 1 {
				t.Fatalf("a refused registration changed %v", d)
			}
			if _, ok := getProvider(h.l.st, h.addr("P1")); ok {
				t.Fatal("registered anyway")
			}
		})
	}
}

func TestRegisterSomeoneElsesPeer(t *testing.T) {
	h := newHarness(t)
	h.ok(h.register("P1", 50*USD))
	// Bob claims P1's peer with his own peer key's signature.
	m := h.registerMsg("Bob", 50*USD)
	m.PeerID = h.peerID("P1")
	h.fails(CodeConflict, h.next("Bob", m))
	// Even with the peer key's real signature for Bob (a stolen key or a
	// colluding peer), a registered peer stays with its account.
	priv, _ := testPeerKey(t, "P1")
	m.PeerSig, _ = priv.Sign(BindMessage(testChain, h.addr("Bob")))
	h.fails(CodeConflict, h.next("Bob", m))
	// An unregistered peer cannot be claimed without its key either.
	m = h.registerMsg("Bob", 50*USD)
	m.PeerID = h.peerID("P2")
	h.fails(CodeBadSignature, h.next("Bob", m))
	if _, ok := getProvider(h.l.st, h.addr("Bob")); ok {
		t.Fatal("Bob became a provider")
	}
	if p, _ := providerByPeer(h.l.st, h.peerID("P1")); p.Address != h.addr("P1") {
		t.Fatalf("P1's peer now points to %s", p.Address)
	}
}

func TestRegisterStakeBounds(t *testing.T) {
	h := newHarness(t)
	min := DefaultParams().MinStake
	h.fails(CodeInvalid, h.register("P1", min-1))
	h.fails(CodeInsufficientFund, h.register("P1", testFunds+1))
	h.ok(h.register("P1", min))
	if h.provider("P1").Stake != min || h.balance("P1") != testFunds-min {
		t.Fatalf("provider %+v balance %d", h.provider("P1"), h.balance("P1"))
	}
	// A zero stake does not even build.
	if _, err := NewTx(h.acct("P2"), testChain, 0, h.registerMsg("P2", 0)); CodeOf(err) != CodeInvalid {
		t.Fatalf("zero stake: %v", err)
	}
}

func TestUpdateAddsStake(t *testing.T) {
	h := newHarness(t)
	h.fails(CodeNotFound, h.update("P1", USD))
	h.ok(h.register("P1", 20*USD))
	h.ok(h.update("P1", 5*USD))
	p := h.provider("P1")
	if p.Stake != 25*USD || p.PricePerCPUSecond != 25 || p.Capacity.MilliCPU != 8000 {
		t.Fatalf("after update %+v", p)
	}
	if got := h.balance("P1"); got != testFunds-25*USD {
		t.Fatalf("P1 has %d", got)
	}
	h.fails(CodeInsufficientFund, h.update("P1", testFunds))
	if h.provider("P1").Stake != 25*USD {
		t.Fatal("a failed update changed the stake")
	}
	// An update without stake changes only prices and capacity.
	h.ok(h.update("P1", 0))
	if h.provider("P1").Stake != 25*USD || h.balance("P1") != testFunds-25*USD {
		t.Fatal("a zero-stake update moved money")
	}
}

func TestUnregisterUnbondsUntilUnbondAt(t *testing.T) {
	const unbonding = 5
	h := newHarness(t, withParams(func(p *Params) { p.UnbondingBlocks = unbonding }))
	h.ok(h.register("P1", 40*USD))
	h.ok(h.unregister("P1"))
	p := h.provider("P1")
	unbondAt := h.l.Height() + unbonding
	if p.Active || p.Stake != 0 || p.Unbonding != 40*USD || p.UnbondAt != unbondAt {
		t.Fatalf("after unregister %+v, want unbonding until %d", p, unbondAt)
	}
	h.fails(CodeNotFound, h.unregister("P1"))
	h.fails(CodeNotFound, h.update("P1", USD))
	// Registering again while the stake unbonds is refused.
	h.fails(CodeConflict, h.register("P1", 40*USD))
	for h.l.Height() < unbondAt-1 {
		h.block()
	}
	if got := h.balance("P1"); got != testFunds-40*USD {
		t.Fatalf("the stake returned early, at height %d", h.l.Height())
	}
	h.block()
	if h.l.Height() != unbondAt {
		t.Fatal("height bookkeeping")
	}
	if got := h.balance("P1"); got != testFunds {
		t.Fatalf("at UnbondAt P1 has %d, want %d", got, testFunds)
	}
	if p := h.provider("P1"); p.Unbonding != 0 || p.UnbondAt != 0 {
		t.Fatalf("after release %+v", p)
	}
	if h.l.st.has(keyUnbonding) {
		t.Fatal("the unbonding queue was not emptied")
	}
	// Once unbonded the account may register again, with the same peer.
	h.ok(h.register("P1", 40*USD))
	if !h.provider("P1").Active {
		t.Fatal("re-registration failed")
	}
}

func TestSlashingReachesUnbondingStake(t *testing.T) {
	h := newHarness(t, withParams(func(p *Params) { p.UnbondingBlocks = 50 }))
	h.ok(h.register("P1", 100*USD))
	lockTx, id := h.lock("Alice", "Orch", 10*USD, 100)
	h.ok(lockTx, h.assign("Orch", id, "job-1"))
	h.ok(h.unregister("P1"))
	before := h.balance("Alice")
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeFailed,
		Faults: []Fault{{Peer: h.peerID("P1"), Task: "t1", Kind: FaultWrongResult}}}))
	cut := 100 * USD * DefaultParams().SlashBps / 10000
	p := h.provider("P1")
	if p.Unbonding != 100*USD-cut || p.Slashed != cut {
		t.Fatalf("unbonding provider after a slash %+v, want %d cut", p, cut)
	}
	if got := h.balance("Alice"); got != before+10*USD+cut {
		t.Fatalf("Alice got %d back, want the escrow %d plus the slash %d", got-before, 10*USD, cut)
	}
	// What is left still returns at UnbondAt.
	for h.l.Height() < p.UnbondAt {
		h.block()
	}
	if got := h.balance("P1"); got != testFunds-cut {
		t.Fatalf("P1 has %d after unbonding, want %d", got, testFunds-cut)
	}
}

// A provider that re-registers after its unbonding stake was slashed to
// nothing must not get its new stake back at the old UnbondAt.
func TestReregisteredStakeNotReleasedByOldUnbond(t *testing.T) {
	const unbonding = 10
	h := newHarness(t, withParams(func(p *Params) { p.UnbondingBlocks = unbonding; p.SlashBps = 10000 }))
	h.ok(h.register("P1", 30*USD))
	lockTx, id := h.lock("Alice", "Orch", 10*USD, 100)
	h.ok(lockTx)
	h.ok(h.unregister("P1"))
	oldUnbondAt := h.provider("P1").UnbondAt
	h.ok(h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeFailed,
		Faults: []Fault{{Peer: h.peerID("P1"), Task: "t1", Kind: FaultWrongResult}}}))
	if p := h.provider("P1"); p.Unbonding != 0 || p.Slashed != 30*USD {
		t.Fatalf("after a full slash %+v", p)
	}
	h.ok(h.register("P1", 20*USD))
	h.blocks(2)
	h.ok(h.unregister("P1"))
	newUnbondAt := h.provider("P1").UnbondAt
	if newUnbondAt <= oldUnbondAt {
		t.Fatalf("test setup: new UnbondAt %d is not after the old %d", newUnbondAt, oldUnbondAt)
	}
	for h.l.Height() < newUnbondAt-1 {
		h.block()
		if h.balance("P1") != testFunds-50*USD {
			t.Fatalf("the new stake returned at height %d, before its UnbondAt %d", h.l.Height(), newUnbondAt)
		}
	}
	h.block()
	if got := h.balance("P1"); got != testFunds-30*USD {
		t.Fatalf("at UnbondAt P1 has %d, want %d", got, testFunds-30*USD)
	}
	if h.l.st.has(keyUnbonding) {
		t.Fatal("the unbonding queue was not emptied")
	}
}
