package selection

import (
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// FreeCapacity prefers providers with more CPU and memory left, which
// spreads load across providers.
type FreeCapacity struct{}

func (FreeCapacity) Name() string { return "free-capacity" }

func (FreeCapacity) Score(_ *Request, c *Candidate) float64 {
	t, f := &c.Presence.Total, c.Free()
	return (ratio(f.MilliCPU, t.MilliCPU) + ratio(f.MemoryBytes, t.MemoryBytes)) / 2
}

// Placement is the job's choice between load balancing and bin-packing.
// Spread (the default) scores like FreeCapacity: the emptiest provider
// first. Pack prefers the fullest provider that still fits: the score is
// the share of CPU and memory in use once the task is placed, so a task
// that fills a provider exactly scores 1.
type Placement struct{}

func (Placement) Name() string { return "placement" }

func (Placement) Score(r *Request, c *Candidate) float64 {
	if r.Placement != spec.PlacementPack {
		return FreeCapacity{}.Score(r, c)
	}
	t, f := &c.Presence.Total, c.Free()
	left := (ratio(f.MilliCPU-r.Resources.MilliCPU, t.MilliCPU) + ratio(f.MemoryBytes-r.Resources.MemoryBytes, t.MemoryBytes)) / 2
	return 1 - left
}

// LowPrice prefers cheaper providers: 1 for free, 0.5 at 100 µUSD per
// CPU-second.
type LowPrice struct{}

func (LowPrice) Name() string { return "price" }

func (LowPrice) Score(_ *Request, c *Candidate) float64 {
	return 1 / (1 + float64(max(c.Presence.PricePerCPUSecond, 0))/100)
}

// Reputation prefers providers with a better record of verified results
// on the chain; one without a record scores as a newcomer (0.5).
type Reputation struct{}

func (Reputation) Name() string { return "reputation" }

func (Reputation) Score(_ *Request, c *Candidate) float64 {
	if c.Reputation <= 0 {
		return 0.5
	}
	return min(c.Reputation, 1)
}

// Latency prefers providers close on the network: 1 at no delay, 0.5 at
// LatencyHalf, falling towards 0 beyond. A provider whose latency has not
// been measured scores a neutral 0.5, as if it were at LatencyHalf.
type Latency struct{}

// LatencyHalf is the round trip at which Latency scores 0.5.
const LatencyHalf = 50 * time.Millisecond

func (Latency) Name() string { return "latency" }

func (Latency) Score(_ *Request, c *Candidate) float64 {
	if c.Latency <= 0 {
		return 0.5
	}
	return 1 / (1 + float64(c.Latency)/float64(LatencyHalf))
}

func ratio(a, b int64) float64 {
	if b <= 0 || a <= 0 {
		return 0
	}
	return min(float64(a)/float64(b), 1)
}
