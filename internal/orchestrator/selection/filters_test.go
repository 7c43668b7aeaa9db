package selection

import (
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// filterCase is one candidate through one filter: whether it passes and,
// when not, what the reason says.
type filterCase struct {
	name string
	req  Request
	c    Candidate
	ok   bool
	why  string
}

func runFilter(t *testing.T, f Filter, cases []filterCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(f.Name()+"/"+tc.name, func(t *testing.T) {
			r, c := tc.req, tc.c
			if got := f.Feasible(&r, &c); got != tc.ok {
				t.Fatalf("feasible = %v, want %v", got, tc.ok)
			}
			if !tc.ok && !strings.Contains(f.Why(&r, &c), tc.why) {
				t.Fatalf("why = %q, want it to say %q", f.Why(&r, &c), tc.why)
			}
		})
	}
}

func withLabels(l map[string]string) Candidate {
	c := cand("p", 4000, 10, l)
	return c
}

func TestArchFilter(t *testing.T) {
	runFilter(t, Arch{}, []filterCase{
		{"any arch", Request{}, withLabels(nil), true, ""},
		{"same arch", Request{Arch: "arm64"}, withLabels(map[string]string{"arch": "arm64"}), true, ""},
		{"other arch", Request{Arch: "arm64"}, withLabels(map[string]string{"arch": "amd64"}), false, "runs amd64, arm64 needed"},
		{"unannounced", Request{Arch: "arm64"}, withLabels(nil), false, "does not announce its architecture"},
	})
}

func TestGPUFilter(t *testing.T) {
	gpus := func(total, inflight int64) Candidate {
		c := cand("p", 4000, 10, nil)
		c.Presence.Total.GPUs, c.InFlight.GPUs = total, inflight
		return c
	}
	need := func(n int64) Request { return Request{Resources: wire.Capacity{GPUs: n}} }
	runFilter(t, GPU{}, []filterCase{
		{"no gpu needed", need(0), gpus(0, 0), true, ""},
		{"enough", need(2), gpus(2, 0), true, ""},
		{"no gpu at all", need(1), gpus(0, 0), false, "has no GPU"},
		{"busy", need(1), gpus(2, 2), false, "0 GPUs free, 1 needed"},
	})
}

func TestResourcesFilter(t *testing.T) {
	c := cand("p", 4000, 10, nil)
	c.InFlight = wire.Capacity{MilliCPU: 3500}
	runFilter(t, Resources{}, []filterCase{
		{"fits", Request{Resources: wire.Capacity{MilliCPU: 500}}, c, true, ""},
		{"cpu", Request{Resources: wire.Capacity{MilliCPU: 501}}, c, false, "cpu 500m free, 501m needed"},
		{"memory", Request{Resources: wire.Capacity{MemoryBytes: 2 << 30}}, c, false, "memory"},
		{"disk", Request{Resources: wire.Capacity{DiskBytes: 2 << 30}}, c, false, "disk"},
	})
}

func TestReputationFloorFilter(t *testing.T) {
	rep := func(score float64) Candidate {
		c := cand("p", 4000, 10, nil)
		c.Reputation = score
		return c
	}
	floor := Request{MinReputation: 0.8, Reputations: true}
	runFilter(t, ReputationFloor{}, []filterCase{
		{"no floor", Request{Reputations: true}, rep(0.1), true, ""},
		{"above", floor, rep(0.9), true, ""},
		{"at the floor", floor, rep(0.8), true, ""},
		{"below", floor, rep(0.5), false, "reputation 0.50 under the floor of 0.80"},
		{"unknown on a chain", floor, rep(0), false, "no reputation on the chain"},
		// Without a chain nobody has a score: the floor cannot apply.
		{"no chain", Request{MinReputation: 0.8}, rep(0), true, ""},
	})
}

func TestSameOwnerFilter(t *testing.T) {
	owned := func(owner string) Candidate {
		c := cand("p", 4000, 10, nil)
		c.Owner = owner
		return c
	}
	r := Request{ExcludeOwners: map[string]bool{"5Alice": true}}
	runFilter(t, SameOwner{}, []filterCase{
		{"other owner", r, owned("5Bob"), true, ""},
		{"same owner", r, owned("5Alice"), false, "its owner 5Alice already holds a replica"},
		{"no chain", r, owned(""), true, ""},
		{"nothing excluded", Request{}, owned("5Alice"), true, ""},
	})
}

func TestExistingFiltersSayWhy(t *testing.T) {
	now := time.Unix(100, 0)
	stale := cand("p", 4000, 10, nil)
	stale.LastSeen = now.Add(-time.Minute)
	runFilter(t, Fresh{}, []filterCase{
		{"fresh", Request{Now: now, FreshWithin: 2 * time.Minute}, stale, true, ""},
		{"stale", Request{Now: now, FreshWithin: 10 * time.Second}, stale, false, "last seen 1m0s ago"},
	})
	runFilter(t, Engine{}, []filterCase{
		{"wasm", Request{Engine: "wasm"}, stale, true, ""},
		{"docker", Request{Engine: "docker"}, stale, false, "does not run docker"},
	})
	runFilter(t, Excluded{}, []filterCase{
		{"other", Request{Exclude: map[string]bool{"q": true}}, stale, true, ""},
		{"holder", Request{Exclude: map[string]bool{"p": true}}, stale, false, "already holds a replica"},
	})
	runFilter(t, Constraints{}, []filterCase{
		{"match", Request{Constraints: []string{"gpu", "region!=eu"}}, withLabels(map[string]string{"gpu": "a100"}), true, ""},
		{"mismatch", Request{Constraints: []string{"gpu", "region!=eu"}}, withLabels(map[string]string{"gpu": "a100", "region": "eu"}), false, `"region!=eu"`},
	})
	runFilter(t, Price{}, []filterCase{
		{"no cap", Request{Resources: wire.Capacity{MilliCPU: 1000}, TimeoutMs: 10_000}, withLabels(nil), true, ""},
		{"over", Request{Resources: wire.Capacity{MilliCPU: 1000}, TimeoutMs: 10_000, MaxPrice: 1}, withLabels(nil), false, "over the cap of 1"},
	})
}

// TestReplicasNeverShareAnOwner runs the whole pipeline: a provider whose
// owner already holds a replica of the shard is ruled out even when it is
// the best offer, and the reason names the owner rule.
func TestReplicasNeverShareAnOwner(t *testing.T) {
	cheap := cand("cheap-sibling", 4000, 1, nil)
	cheap.Owner = "5Alice"
	other := cand("other", 4000, 50, nil)
	other.Owner = "5Bob"
	r := &Request{Engine: "wasm", Exclude: map[string]bool{"alice-first": true}, ExcludeOwners: map[string]bool{"5Alice": true}}
	out := Default().Select(r, []Candidate{cheap, other})
	if len(out.Ranked) != 1 || out.Ranked[0].Peer != "other" {
		t.Fatalf("ranked %+v", out.Ranked)
	}
	if why := out.Rejected()["cheap-sibling"]; !strings.HasPrefix(why, "owner: ") {
		t.Fatalf("rejected for %q", why)
	}
}
