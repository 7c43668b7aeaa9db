package selection

import (
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

func cand(peer string, cpu int64, price int64, labels map[string]string) Candidate {
	return Candidate{
		Peer:     peer,
		LastSeen: time.Unix(100, 0),
		Presence: wire.Presence{
			Peer:              peer,
			Engines:           []string{"wasm"},
			Total:             wire.Capacity{MilliCPU: cpu, MemoryBytes: 1 << 30, DiskBytes: 1 << 30},
			PricePerCPUSecond: price,
			Labels:            labels,
		},
	}
}

func TestSelectFiltersAndRanks(t *testing.T) {
	busy := cand("busy", 4000, 10, nil)
	busy.InFlight = wire.Capacity{MilliCPU: 3500}
	stale := cand("stale", 4000, 10, nil)
	stale.LastSeen = time.Unix(50, 0)
	docker := cand("docker", 4000, 10, nil)
	docker.Presence.Engines = []string{"docker"}
	cands := []Candidate{
		cand("cheap", 4000, 1, map[string]string{"arch": "amd64"}),
		cand("pricey", 4000, 500, map[string]string{"arch": "amd64"}),
		cand("arm", 4000, 1, map[string]string{"arch": "arm64"}),
		busy, stale, docker,
		cand("excluded", 4000, 1, map[string]string{"arch": "amd64"}),
	}
	req := &Request{
		Engine:      "wasm",
		Resources:   wire.Capacity{MilliCPU: 1000, MemoryBytes: 64 << 20},
		TimeoutMs:   10_000,
		Constraints: []string{"arch=amd64"},
		MaxPrice:    1000,
		Exclude:     map[string]bool{"excluded": true},
		Now:         time.Unix(101, 0),
		FreshWithin: 10 * time.Second,
	}
	out := Default().Select(req, cands)
	if len(out.Ranked) != 1 || out.Ranked[0].Peer != "cheap" {
		t.Fatalf("ranked = %+v, rejected = %v", out.Ranked, out.Rejected())
	}
	rejected := out.Rejected()
	want := map[string]string{
		"pricey":   "price:",
		"arm":      "constraints:",
		"busy":     "resources:",
		"stale":    "presence:",
		"docker":   "engine:",
		"excluded": "excluded:",
	}
	for peer, prefix := range want {
		if !strings.HasPrefix(rejected[peer], prefix) {
			t.Errorf("%s rejected for %q, want prefix %q", peer, rejected[peer], prefix)
		}
	}
}

func TestRankingPrefersFreeAndCheap(t *testing.T) {
	a := cand("a", 4000, 10, nil)
	a.InFlight = wire.Capacity{MilliCPU: 3000}
	b := cand("b", 4000, 10, nil)
	out := Default().Select(&Request{Engine: "wasm", Resources: wire.Capacity{MilliCPU: 500}}, []Candidate{a, b})
	if len(out.Ranked) != 2 || out.Ranked[0].Peer != "b" {
		t.Fatalf("want b first (more free), got %+v", out.Ranked)
	}
	c := cand("c", 4000, 1, nil)
	d := cand("d", 4000, 1000, nil)
	out = Default().Select(&Request{Engine: "wasm"}, []Candidate{d, c})
	if out.Ranked[0].Peer != "c" {
		t.Fatalf("want cheaper c first, got %+v", out.Ranked)
	}
}

func TestReputationBreaksTiesTowardTheBetterRecord(t *testing.T) {
	now := time.Now()
	mk := func(peer string, rep float64) Candidate {
		return Candidate{Peer: peer, LastSeen: now, Reputation: rep, Presence: wire.Presence{
			Engines: []string{"wasm"}, PricePerCPUSecond: 10,
			Total: wire.Capacity{MilliCPU: 2000, MemoryBytes: 1 << 30, DiskBytes: 1 << 30},
			Free:  wire.Capacity{MilliCPU: 2000, MemoryBytes: 1 << 30, DiskBytes: 1 << 30}}}
	}
	r := &Request{Engine: "wasm", Resources: wire.Capacity{MilliCPU: 100, MemoryBytes: 1 << 20}, Now: now, FreshWithin: time.Minute}
	out := Default().Select(r, []Candidate{mk("a-caught-lying", 0.2), mk("b-newcomer", 0), mk("c-clean-record", 0.95)})
	if len(out.Ranked) != 3 {
		t.Fatalf("ranked %d, rejected %v", len(out.Ranked), out.Rejected())
	}
	got := []string{out.Ranked[0].Peer, out.Ranked[1].Peer, out.Ranked[2].Peer}
	if got[0] != "c-clean-record" || got[1] != "b-newcomer" || got[2] != "a-caught-lying" {
		t.Fatalf("order %v: equal offers should rank by reputation", got)
	}
}
