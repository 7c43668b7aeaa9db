package orchestrator

import (
	"context"
	"crypto/rand"
	"log/slog"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// registryChain is a chain that knows its providers' reputations and
// owners; the rest of Payments is not used here.
type registryChain struct {
	Payments
	scores map[string]float64
	owners map[string]string
}

func (c registryChain) Registered(context.Context) (map[string]float64, error) { return c.scores, nil }
func (c registryChain) Owners(context.Context) (map[string]string, error)      { return c.owners, nil }

// meteredNet is a Network that measures latency; nothing else is used.
type meteredNet struct {
	Network
	rtt map[peer.ID]time.Duration
}

func (n meteredNet) Latency(p peer.ID) time.Duration { return n.rtt[p] }

func testPeer(t *testing.T) peer.ID {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestReplicasOfAShardNeverGoToOneOwner follows the owner rule from the
// chain's registry through payable and the registry cache to the
// pipeline: with alice's first provider holding a replica, her second is
// ruled out although it is the cheapest, and bob's gets the next one.
func TestReplicasOfAShardNeverGoToOneOwner(t *testing.T) {
	alice1, alice2, bob := testPeer(t), testPeer(t), testPeer(t)
	o := &Orchestrator{log: slog.New(slog.DiscardHandler), cfg: Config{Payments: registryChain{
		scores: map[string]float64{alice1.String(): 0.9, alice2.String(): 0.9, bob.String(): 0.9},
		owners: map[string]string{alice1.String(): "5Alice", alice2.String(): "5Alice", bob.String(): "5Bob"},
	}}}
	now := time.Now()
	mk := func(p peer.ID, price int64) selection.Candidate {
		c := wire.Capacity{MilliCPU: 4000, MemoryBytes: 1 << 30, DiskBytes: 1 << 30}
		return selection.Candidate{Peer: p.String(), LastSeen: now, Presence: wire.Presence{Engines: []string{"wasm"}, Total: c, Free: c, PricePerCPUSecond: price}}
	}
	declined := map[string]string{}
	cands := o.payable(context.Background(), []selection.Candidate{mk(alice1, 1), mk(alice2, 1), mk(bob, 100)}, declined)
	if len(cands) != 3 || cands[1].Owner != "5Alice" || cands[2].Owner != "5Bob" || cands[2].Reputation != 0.9 {
		t.Fatalf("payable: %+v, declined %v", cands, declined)
	}
	holders := map[string]bool{alice1.String(): true}
	req := &selection.Request{Engine: "wasm", Now: now, Exclude: holders, ExcludeOwners: o.reg.ownersOf(holders)}
	if !req.ExcludeOwners["5Alice"] || len(req.ExcludeOwners) != 1 {
		t.Fatalf("owners of the replica holders: %v", req.ExcludeOwners)
	}
	out := selection.Default().Select(req, cands)
	if len(out.Ranked) != 1 || out.Ranked[0].Peer != bob.String() {
		t.Fatalf("ranked %+v, rejected %v", out.Ranked, out.Rejected())
	}
	// Without a chain, owners are unknown and the rule has nothing to hold.
	o.cfg.Payments = nil
	o.reg = registry{}
	if got := o.reg.ownersOf(holders); len(got) != 0 {
		t.Fatalf("owners without a chain: %v", got)
	}
}

// TestCandidatesCarryTheHostsLatency checks that a host which measures
// round trips feeds them to the latency ranker, and that the nearer of two
// otherwise equal providers ranks first.
func TestCandidatesCarryTheHostsLatency(t *testing.T) {
	near, far, unknown := testPeer(t), testPeer(t), testPeer(t)
	o := &Orchestrator{log: slog.New(slog.DiscardHandler), net: meteredNet{rtt: map[peer.ID]time.Duration{near: 2 * time.Millisecond, far: 250 * time.Millisecond}}}
	now := time.Now()
	mk := func(p peer.ID) selection.Candidate {
		c := wire.Capacity{MilliCPU: 4000, MemoryBytes: 1 << 30, DiskBytes: 1 << 30}
		return selection.Candidate{Peer: p.String(), LastSeen: now, Presence: wire.Presence{Engines: []string{"wasm"}, Total: c, Free: c}}
	}
	cands := o.payable(context.Background(), []selection.Candidate{mk(far), mk(unknown), mk(near)}, map[string]string{})
	if cands[0].Latency != 250*time.Millisecond || cands[1].Latency != 0 || cands[2].Latency != 2*time.Millisecond {
		t.Fatalf("latencies %v %v %v", cands[0].Latency, cands[1].Latency, cands[2].Latency)
	}
	out := selection.Default().Select(&selection.Request{Engine: "wasm", Now: now}, cands)
	if out.Ranked[0].Peer != near.String() || out.Ranked[2].Peer != far.String() {
		t.Fatalf("order %s, %s, %s", out.Ranked[0].Peer, out.Ranked[1].Peer, out.Ranked[2].Peer)
	}
}
