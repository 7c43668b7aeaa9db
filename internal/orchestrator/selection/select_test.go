package selection

import (
	"slices"
	"testing"
)

func TestSampleStopsTheScanAndStartRotatesIt(t *testing.T) {
	cands := []Candidate{cand("a", 4000, 1, nil), cand("b", 4000, 1, nil), cand("c", 4000, 1, nil), cand("d", 4000, 1, nil)}
	cands[1].Presence.Engines = []string{"docker"}
	out := Default().Select(&Request{Engine: "wasm", Sample: 2}, cands)
	if out.Visited != 3 || out.Feasible != 2 || len(out.Rejected()) != 1 {
		t.Fatalf("visited %d, feasible %d, rejected %v", out.Visited, out.Feasible, out.Rejected())
	}
	if got := order(out); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("sampled %v", got)
	}
	out = Default().Select(&Request{Engine: "wasm", Sample: 2, Start: 6}, cands)
	if got := order(out); !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("sampled from 6 mod 4: %v", got)
	}
	if out := Default().Select(&Request{Engine: "wasm"}, nil); len(out.Ranked) != 0 || len(out.Rejected()) != 0 {
		t.Fatalf("empty network: %+v", out)
	}
}
