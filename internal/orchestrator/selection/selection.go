package selection

import (
	"cmp"
	"slices"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Candidate is a provider as the orchestrator currently sees it.
type Candidate struct {
	Peer     string
	Presence wire.Presence
	LastSeen time.Time
	// InFlight is what this orchestrator has dispatched to the provider
	// and not yet seen finish.
	InFlight wire.Capacity
	// Reputation is the provider's score on the chain in (0, 1]; zero
	// when there is no chain or no record.
	Reputation float64
}

// Free is the capacity the candidate has left as far as this orchestrator
// knows: its announced total less what is in flight here, and never more
// than it last announced free plus what was in flight at that time.
func (c Candidate) Free() wire.Capacity {
	t := c.Presence.Total
	return wire.Capacity{
		MilliCPU:    t.MilliCPU - c.InFlight.MilliCPU,
		MemoryBytes: t.MemoryBytes - c.InFlight.MemoryBytes,
		DiskBytes:   t.DiskBytes - c.InFlight.DiskBytes,
		GPUs:        t.GPUs - c.InFlight.GPUs,
	}
}

// Request is what a task needs.
type Request struct {
	Engine      string
	Resources   wire.Capacity
	TimeoutMs   int64
	Constraints []string
	// MaxPrice is the most one task may cost, in micro-USD; 0 means no cap.
	MaxPrice int64
	// Exclude rules providers out, e.g. those already holding a replica
	// of the same shard.
	Exclude map[string]bool
	// Now and FreshWithin bound how old a presence may be.
	Now         time.Time
	FreshWithin time.Duration
}

// Filter rules a candidate in or out, saying why when out.
type Filter interface {
	Name() string
	Feasible(r *Request, c *Candidate) (ok bool, reason string)
}

// Ranker scores a feasible candidate in [0, 1]; higher is better.
type Ranker interface {
	Name() string
	Score(r *Request, c *Candidate) float64
}

// Weighted is a ranker with its weight in the total score.
type Weighted struct {
	Ranker Ranker
	Weight float64
}

// Pipeline is a chain of filters and weighted rankers.
type Pipeline struct {
	Filters []Filter
	Rankers []Weighted
}

// Ranked is a feasible candidate with its score.
type Ranked struct {
	Candidate
	Score float64
}

// Outcome is the result of a selection: the feasible candidates, best
// first, and for the others the reason each was ruled out.
type Outcome struct {
	Ranked   []Ranked
	Rejected map[string]string
}

// Default is the first-version pipeline: engine, freshness, exclusions,
// resources, constraints and price; ranked by free capacity, price and
// reputation.
func Default() Pipeline {
	return Pipeline{
		Filters: []Filter{Engine{}, Fresh{}, Excluded{}, Resources{}, Constraints{}, Price{}},
		Rankers: []Weighted{{FreeCapacity{}, 0.5}, {LowPrice{}, 0.3}, {Reputation{}, 0.2}},
	}
}

// Select runs the pipeline over candidates.
func (p Pipeline) Select(r *Request, cands []Candidate) Outcome {
	out := Outcome{Rejected: map[string]string{}}
next:
	for i := range cands {
		c := &cands[i]
		for _, f := range p.Filters {
			if ok, why := f.Feasible(r, c); !ok {
				out.Rejected[c.Peer] = f.Name() + ": " + why
				continue next
			}
		}
		var score float64
		for _, w := range p.Rankers {
			score += w.Weight * w.Ranker.Score(r, c)
		}
		out.Ranked = append(out.Ranked, Ranked{Candidate: *c, Score: score})
	}
	slices.SortStableFunc(out.Ranked, func(a, b Ranked) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.Peer, b.Peer)
	})
	return out
}
