package selection

import (
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
)

// loaded is a provider with total CPU and memory and some of it in use.
func loaded(peer string, cpu, usedCPU int64) Candidate {
	c := cand(peer, cpu, 10, nil)
	c.Presence.Total.MemoryBytes = cpu << 20
	c.InFlight = wire.Capacity{MilliCPU: usedCPU, MemoryBytes: usedCPU << 20}
	return c
}

func order(out Outcome) []string {
	var ps []string
	for _, r := range out.Ranked {
		ps = append(ps, r.Peer)
	}
	return ps
}

func TestSpreadAndPackOrderOppositeWays(t *testing.T) {
	cands := []Candidate{loaded("empty", 4000, 0), loaded("half", 4000, 2000), loaded("nearly-full", 4000, 3000)}
	need := wire.Capacity{MilliCPU: 1000, MemoryBytes: 1000 << 20}
	p := Pipeline{Filters: Default().Filters, Rankers: []Weighted{{Placement{}, 1}}}

	spread := p.Select(&Request{Engine: "wasm", Resources: need}, cands)
	if got := order(spread); len(got) != 3 || got[0] != "empty" || got[1] != "half" || got[2] != "nearly-full" {
		t.Fatalf("spread order %v, want emptiest first", got)
	}
	explicit := p.Select(&Request{Engine: "wasm", Resources: need, Placement: spec.PlacementSpread}, cands)
	if got := order(explicit); got[0] != "empty" {
		t.Fatalf("explicit spread order %v", got)
	}
	pack := p.Select(&Request{Engine: "wasm", Resources: need, Placement: spec.PlacementPack}, cands)
	if got := order(pack); len(got) != 3 || got[0] != "nearly-full" || got[1] != "half" || got[2] != "empty" {
		t.Fatalf("pack order %v, want fullest that fits first", got)
	}
	if pack.Ranked[0].Score != 1 {
		t.Fatalf("a task that fills a provider exactly scores %v, want 1", pack.Ranked[0].Score)
	}
	// Pack never picks a provider the task does not fit on.
	tooBig := p.Select(&Request{Engine: "wasm", Resources: wire.Capacity{MilliCPU: 1500}, Placement: spec.PlacementPack}, cands)
	if got := order(tooBig); len(got) != 2 || got[0] != "half" {
		t.Fatalf("pack with a bigger task %v", got)
	}
}

func TestLatencyPrefersCloseProviders(t *testing.T) {
	at := func(peer string, d time.Duration) Candidate {
		c := cand(peer, 4000, 10, nil)
		c.Latency = d
		return c
	}
	l := Latency{}
	if s := l.Score(nil, ptr(at("x", 0))); s != 0.5 {
		t.Fatalf("unmeasured scores %v, want neutral 0.5", s)
	}
	if s := l.Score(nil, ptr(at("x", LatencyHalf))); s != 0.5 {
		t.Fatalf("%s scores %v, want 0.5", LatencyHalf, s)
	}
	near, far := l.Score(nil, ptr(at("x", time.Millisecond))), l.Score(nil, ptr(at("x", 300*time.Millisecond)))
	if !(near > 0.95 && far < 0.2) {
		t.Fatalf("1ms scores %v, 300ms %v", near, far)
	}
	// Through the default pipeline, equal offers rank by latency, with an
	// unmeasured provider between a near and a far one.
	out := Default().Select(&Request{Engine: "wasm"}, []Candidate{at("a-far", 400*time.Millisecond), at("b-unknown", 0), at("c-near", 2*time.Millisecond)})
	if got := order(out); len(got) != 3 || got[0] != "c-near" || got[1] != "b-unknown" || got[2] != "a-far" {
		t.Fatalf("order %v, want near, unknown, far", got)
	}
}

func TestPriceAndReputationRankers(t *testing.T) {
	if a, b := (LowPrice{}).Score(nil, ptr(cand("a", 1, 1, nil))), (LowPrice{}).Score(nil, ptr(cand("b", 1, 1000, nil))); a <= b {
		t.Fatalf("cheap %v <= pricey %v", a, b)
	}
	c := cand("c", 1, 1, nil)
	if s := (Reputation{}).Score(nil, &c); s != 0.5 {
		t.Fatalf("unknown reputation scores %v", s)
	}
	c.Reputation = 0.9
	if s := (Reputation{}).Score(nil, &c); s != 0.9 {
		t.Fatalf("reputation 0.9 scores %v", s)
	}
}

func ptr[T any](v T) *T { return &v }
