package selection

import (
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
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
	// Owner is the chain account that registered the provider; empty
	// when there is no chain.
	Owner string
	// Latency is the smoothed round trip to the provider; zero when it
	// has not been measured.
	Latency time.Duration
}

// Free is the capacity the candidate has left as far as this orchestrator
// knows: its announced total less what is in flight here.
func (c *Candidate) Free() wire.Capacity {
	t := c.Presence.Total
	return wire.Capacity{
		MilliCPU:    t.MilliCPU - c.InFlight.MilliCPU,
		MemoryBytes: t.MemoryBytes - c.InFlight.MemoryBytes,
		DiskBytes:   t.DiskBytes - c.InFlight.DiskBytes,
		GPUs:        t.GPUs - c.InFlight.GPUs,
	}
}

// Request is what a task needs. Select may keep derived data in it (the
// parsed constraints), so one Request must not be used by two Selects at
// the same time.
type Request struct {
	Engine      string
	Resources   wire.Capacity
	TimeoutMs   int64
	Constraints []string
	// Arch is the CPU architecture the task needs ("" for any), matched
	// against the provider's "arch" label.
	Arch string
	// MaxPrice is the most one task may cost, in micro-USD; 0 means no cap.
	MaxPrice int64
	// MinReputation is the lowest reputation a provider may have. It
	// applies only when Reputations says the candidates' reputations come
	// from a chain; then a provider without a record is ruled out too.
	MinReputation float64
	Reputations   bool
	// StorageBytes, for a shard placement, is the disk space the shard
	// needs on a provider that rents out storage.
	StorageBytes int64
	// Placement is spread (the default) or pack.
	Placement spec.Placement
	// Exclude rules providers out, e.g. those already holding a replica
	// of the same shard, and ExcludeOwners the providers of those owners.
	Exclude       map[string]bool
	ExcludeOwners map[string]bool
	// Now and FreshWithin bound how old a presence may be.
	Now         time.Time
	FreshWithin time.Duration

	// Limit is how many of the best candidates Select returns; 0 returns
	// every feasible one.
	Limit int
	// Sample stops the scan once that many candidates have passed the
	// filters, so that a placement on a large network looks at a bounded
	// number of providers (Nomad's limit iterator); 0 scans them all.
	Sample int
	// Start is where the scan begins (modulo the number of candidates),
	// so that sampled scans over one snapshot do not always favour its
	// head.
	Start int

	parsed []spec.Constraint
	// seenAfter is Now - FreshWithin while a Select runs (prepared).
	seenAfter time.Time
	prepared  bool
}

// Filter rules a candidate in or out. Feasible is on the hot path and
// must not allocate; Why, called only for candidates Feasible ruled out
// and only when someone asks, says why.
type Filter interface {
	Name() string
	Feasible(r *Request, c *Candidate) bool
	Why(r *Request, c *Candidate) string
}

// Applier is an optional Filter capability: a filter whose Applies says
// it has nothing to check for a request (no architecture asked for, no
// price cap) is left out of that request's scan.
type Applier interface {
	Applies(r *Request) bool
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

// Default is the pipeline the orchestrator uses. Filters run cheap and
// selective ones first (the order only decides which reason is reported
// for a candidate that fails several); the weights favour room on the provider (or the
// fit, for pack), then price, then the provider's record, then how close
// it is on the network:
//
//	placement 0.40, price 0.25, reputation 0.20, latency 0.15
func Default() Pipeline {
	return Pipeline{
		Filters: []Filter{
			Engine{}, Fresh{}, Resources{}, Arch{}, Constraints{}, GPU{},
			ReputationFloor{}, Price{}, Excluded{}, SameOwner{},
		},
		Rankers: []Weighted{
			{Placement{}, 0.40},
			{LowPrice{}, 0.25},
			{Reputation{}, 0.20},
			{Latency{}, 0.15},
		},
	}
}

// parsedConstraints returns the request's constraints parsed, parsing
// them when Select has not (a filter used on its own).
func (r *Request) parsedConstraints() []spec.Constraint {
	if len(r.parsed) != len(r.Constraints) {
		r.parsed = r.parsed[:0]
		for _, s := range r.Constraints {
			r.parsed = append(r.parsed, spec.ParseConstraint(s))
		}
	}
	return r.parsed
}

// DefaultSample is how many feasible candidates the orchestrator scores
// per placement: a round of bids (three by default) goes to the best of a
// random thirty-two, and a placement on a network of ten thousand
// providers stays in tens of microseconds. (Nomad scores two nodes for a
// batch job and log2 of the nodes for a service.) The presence snapshot
// comes in random order, so the sample is random.
const DefaultSample = 32

// prepare derives what the filters need from the request once per scan:
// the parsed constraints and the oldest fresh presence.
func (r *Request) prepare() {
	r.parsed = r.parsed[:0]
	for _, s := range r.Constraints {
		r.parsed = append(r.parsed, spec.ParseConstraint(s))
	}
	r.seenAfter, r.prepared = r.Now.Add(-r.FreshWithin), true
}

// done ends a scan; the request may change before the next.
func (r *Request) done() { r.prepared = false }

// oldest is the earliest a fresh presence may have been seen.
func (r *Request) oldest() time.Time {
	if r.prepared {
		return r.seenAfter
	}
	return r.Now.Add(-r.FreshWithin)
}
