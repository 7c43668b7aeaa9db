package selection

import (
	"fmt"

	"github.com/opensky-network/opensky/internal/pricing"
	"github.com/opensky-network/opensky/internal/spec"
	"slices"
)

// Engine keeps providers that run the task's engine.
type Engine struct{}

func (Engine) Name() string { return "engine" }

func (Engine) Feasible(r *Request, c *Candidate) (bool, string) {
	if slices.Contains(c.Presence.Engines, r.Engine) {
		return true, ""
	}
	return false, fmt.Sprintf("does not run %s", r.Engine)
}

// Fresh keeps providers whose presence is recent.
type Fresh struct{}

func (Fresh) Name() string { return "presence" }

func (Fresh) Feasible(r *Request, c *Candidate) (bool, string) {
	if r.FreshWithin <= 0 || r.Now.Sub(c.LastSeen) <= r.FreshWithin {
		return true, ""
	}
	return false, fmt.Sprintf("last seen %s ago", r.Now.Sub(c.LastSeen).Round(1e6))
}

// Excluded drops providers the request rules out by name.
type Excluded struct{}

func (Excluded) Name() string { return "excluded" }

func (Excluded) Feasible(r *Request, c *Candidate) (bool, string) {
	if r.Exclude[c.Peer] {
		return false, "already holds a replica of this shard"
	}
	return true, ""
}

// Resources keeps providers with enough free CPU, memory, disk and GPUs.
type Resources struct{}

func (Resources) Name() string { return "resources" }

func (Resources) Feasible(r *Request, c *Candidate) (bool, string) {
	free, need := c.Free(), r.Resources
	switch {
	case need.MilliCPU > free.MilliCPU:
		return false, fmt.Sprintf("cpu %dm free, %dm needed", free.MilliCPU, need.MilliCPU)
	case need.MemoryBytes > free.MemoryBytes:
		return false, fmt.Sprintf("memory %d free, %d needed", free.MemoryBytes, need.MemoryBytes)
	case need.DiskBytes > free.DiskBytes:
		return false, fmt.Sprintf("disk %d free, %d needed", free.DiskBytes, need.DiskBytes)
	case need.GPUs > free.GPUs:
		return false, fmt.Sprintf("%d gpus free, %d needed", free.GPUs, need.GPUs)
	}
	return true, ""
}

// Constraints keeps providers whose labels satisfy every constraint:
// "key" (present), "key=value" or "key!=value".
type Constraints struct{}

func (Constraints) Name() string { return "constraints" }

func (Constraints) Feasible(r *Request, c *Candidate) (bool, string) {
	for _, con := range r.Constraints {
		if !spec.ParseConstraint(con).Matches(c.Presence.Labels) {
			return false, fmt.Sprintf("labels do not satisfy %q", con)
		}
	}
	return true, ""
}

// Price keeps providers whose worst-case price for the task is within the
// request's cap.
type Price struct{}

func (Price) Name() string { return "price" }

func (Price) Feasible(r *Request, c *Candidate) (bool, string) {
	if r.MaxPrice <= 0 {
		return true, ""
	}
	if p := pricing.WorstCase(c.Presence.PricePerCPUSecond, c.Presence.MinPrice, r.Resources.MilliCPU, r.TimeoutMs); p > r.MaxPrice {
		return false, fmt.Sprintf("worst case %d µUSD over the cap of %d", p, r.MaxPrice)
	}
	return true, ""
}
