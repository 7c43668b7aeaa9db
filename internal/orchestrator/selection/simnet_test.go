package selection_test

import (
	"testing"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/orchestrator/selection/simnet"
)

// TestLimitReturnsTheHeadOfTheFullOrder checks that keeping only the best
// few gives exactly the head of the complete ranking.
func TestLimitReturnsTheHeadOfTheFullOrder(t *testing.T) {
	cands := simnet.Network(2000, 1)
	for i, r := range simnet.Requests(200, 0, 0, 2) {
		full := selection.Default().Select(&r, cands)
		for _, k := range []int{1, 3, 9} {
			r.Limit = k
			top := selection.Default().Select(&r, cands)
			want := full.Ranked[:min(k, len(full.Ranked))]
			if len(top.Ranked) != len(want) || top.Feasible != full.Feasible {
				t.Fatalf("request %d, k=%d: %d ranked (%d feasible), want %d (%d)", i, k, len(top.Ranked), top.Feasible, len(want), full.Feasible)
			}
			for j := range want {
				if top.Ranked[j].Peer != want[j].Peer || top.Ranked[j].Score != want[j].Score {
					t.Fatalf("request %d, k=%d: #%d is %s, want %s", i, k, j, top.Ranked[j].Peer, want[j].Peer)
				}
			}
		}
	}
}

func TestSelectDoesNotAllocatePerCandidate(t *testing.T) {
	cands := simnet.Network(10_000, 3)
	reqs := simnet.Requests(64, 3, 0, 4)
	p := selection.Default()
	i := 0
	allocs := testing.AllocsPerRun(50, func() {
		p.Select(&reqs[i%len(reqs)], cands)
		i++
	})
	// The top-K buffer, the result, and the rejection list growing by
	// doubling: a handful, not one per candidate.
	if allocs > 40 {
		t.Fatalf("%.0f allocations per full scan of 10,000 candidates", allocs)
	}
}

func BenchmarkSelect10k(b *testing.B) {
	cands := simnet.Network(10_000, 1)
	for _, bc := range []struct {
		name   string
		sample int
	}{{"sampled", selection.DefaultSample}, {"full-scan", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			reqs := simnet.Requests(1024, 3, bc.sample, 2)
			p := selection.Default()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p.Select(&reqs[i%len(reqs)], cands)
				i++
			}
		})
	}
}
