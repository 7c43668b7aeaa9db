package selection

import (
	"fmt"
	"slices"
	"time"

	"github.com/opensky-network/opensky/internal/pricing"
)

// Engine keeps providers that run the task's engine.
type Engine struct{}

func (Engine) Name() string { return "engine" }

func (Engine) Feasible(r *Request, c *Candidate) bool {
	return slices.Contains(c.Presence.Engines, r.Engine)
}

func (Engine) Why(r *Request, _ *Candidate) string {
	return fmt.Sprintf("does not run %s", r.Engine)
}

// Fresh keeps providers whose presence is recent.
type Fresh struct{}

func (Fresh) Name() string { return "presence" }

func (Fresh) Applies(r *Request) bool { return r.FreshWithin > 0 }

func (Fresh) Feasible(r *Request, c *Candidate) bool {
	return r.FreshWithin <= 0 || !c.LastSeen.Before(r.oldest())
}

func (Fresh) Why(r *Request, c *Candidate) string {
	return fmt.Sprintf("last seen %s ago", r.Now.Sub(c.LastSeen).Round(time.Millisecond))
}

// Excluded drops providers the request rules out by name: those holding
// another replica of the shard.
type Excluded struct{}

func (Excluded) Name() string { return "excluded" }

func (Excluded) Applies(r *Request) bool { return len(r.Exclude) > 0 }

func (Excluded) Feasible(r *Request, c *Candidate) bool { return !r.Exclude[c.Peer] }

func (Excluded) Why(*Request, *Candidate) string {
	return "already holds a replica of this shard"
}

// SameOwner drops providers whose chain account owns a provider that holds
// another replica of the shard: replicas compared against each other must
// not answer to one owner. A provider with no known owner (no chain)
// passes.
type SameOwner struct{}

func (SameOwner) Name() string { return "owner" }

func (SameOwner) Applies(r *Request) bool { return len(r.ExcludeOwners) > 0 }

func (SameOwner) Feasible(r *Request, c *Candidate) bool {
	return c.Owner == "" || !r.ExcludeOwners[c.Owner]
}

func (SameOwner) Why(_ *Request, c *Candidate) string {
	return fmt.Sprintf("its owner %s already holds a replica of this shard", c.Owner)
}

// Arch keeps providers of the architecture the task asks for, as they
// announce it in the label "arch".
type Arch struct{}

// ArchLabel is the presence label that carries a provider's GOARCH.
const ArchLabel = "arch"

func (Arch) Name() string { return "arch" }

func (Arch) Applies(r *Request) bool { return r.Arch != "" }

func (Arch) Feasible(r *Request, c *Candidate) bool {
	return r.Arch == "" || c.Presence.Labels[ArchLabel] == r.Arch
}

func (Arch) Why(r *Request, c *Candidate) string {
	a, ok := c.Presence.Labels[ArchLabel]
	if !ok {
		return fmt.Sprintf("does not announce its architecture, %s needed", r.Arch)
	}
	return fmt.Sprintf("runs %s, %s needed", a, r.Arch)
}

// ReputationFloor keeps providers whose chain reputation reaches the
// request's floor. Without a chain (Request.Reputations false) nobody has
// a score and the floor does not apply; with one, a provider without a
// score is ruled out.
type ReputationFloor struct{}

func (ReputationFloor) Name() string { return "reputation" }

func (ReputationFloor) Applies(r *Request) bool { return r.MinReputation > 0 && r.Reputations }

func (ReputationFloor) Feasible(r *Request, c *Candidate) bool {
	return r.MinReputation <= 0 || !r.Reputations || c.Reputation >= r.MinReputation
}

func (ReputationFloor) Why(r *Request, c *Candidate) string {
	if c.Reputation <= 0 {
		return fmt.Sprintf("no reputation on the chain, %.2f needed", r.MinReputation)
	}
	return fmt.Sprintf("reputation %.2f under the floor of %.2f", c.Reputation, r.MinReputation)
}

// Resources keeps providers with enough free CPU, memory and disk.
type Resources struct{}

func (Resources) Name() string { return "resources" }

func (Resources) Feasible(r *Request, c *Candidate) bool {
	free, need := c.Free(), &r.Resources
	return need.MilliCPU <= free.MilliCPU && need.MemoryBytes <= free.MemoryBytes && need.DiskBytes <= free.DiskBytes
}

func (Resources) Why(r *Request, c *Candidate) string {
	free, need := c.Free(), r.Resources
	switch {
	case need.MilliCPU > free.MilliCPU:
		return fmt.Sprintf("cpu %dm free, %dm needed", free.MilliCPU, need.MilliCPU)
	case need.MemoryBytes > free.MemoryBytes:
		return fmt.Sprintf("memory %d free, %d needed", free.MemoryBytes, need.MemoryBytes)
	default:
		return fmt.Sprintf("disk %d free, %d needed", free.DiskBytes, need.DiskBytes)
	}
}

// GPU keeps, for a task that needs GPUs, providers with that many free.
type GPU struct{}

func (GPU) Name() string { return "gpu" }

func (GPU) Applies(r *Request) bool { return r.Resources.GPUs > 0 }

func (GPU) Feasible(r *Request, c *Candidate) bool {
	return r.Resources.GPUs <= 0 || c.Free().GPUs >= r.Resources.GPUs
}

func (GPU) Why(r *Request, c *Candidate) string {
	if c.Presence.Total.GPUs <= 0 {
		return fmt.Sprintf("has no GPU, %d needed", r.Resources.GPUs)
	}
	return fmt.Sprintf("%d GPUs free, %d needed", c.Free().GPUs, r.Resources.GPUs)
}

// Constraints keeps providers whose labels satisfy every constraint:
// "key" (present), "key=value" or "key!=value".
type Constraints struct{}

func (Constraints) Name() string { return "constraints" }

func (Constraints) Applies(r *Request) bool { return len(r.Constraints) > 0 }

func (Constraints) Feasible(r *Request, c *Candidate) bool {
	for _, con := range r.parsedConstraints() {
		if !con.Matches(c.Presence.Labels) {
			return false
		}
	}
	return true
}

func (Constraints) Why(r *Request, c *Candidate) string {
	for i, con := range r.parsedConstraints() {
		if !con.Matches(c.Presence.Labels) {
			return fmt.Sprintf("labels do not satisfy %q", r.Constraints[i])
		}
	}
	return "labels do not satisfy the constraints"
}

// Price keeps providers whose worst-case price for the task is within the
// request's cap.
type Price struct{}

func (Price) Name() string { return "price" }

func (Price) Applies(r *Request) bool { return r.MaxPrice > 0 }

func (Price) Feasible(r *Request, c *Candidate) bool {
	return r.MaxPrice <= 0 || worstCase(r, c) <= r.MaxPrice
}

func (Price) Why(r *Request, c *Candidate) string {
	return fmt.Sprintf("worst case %d µUSD over the cap of %d", worstCase(r, c), r.MaxPrice)
}

func worstCase(r *Request, c *Candidate) int64 {
	return pricing.WorstCase(c.Presence.PricePerCPUSecond, c.Presence.MinPrice, r.Resources.MilliCPU, r.TimeoutMs)
}

var (
	_ Applier = Fresh{}
	_ Applier = Excluded{}
	_ Applier = SameOwner{}
	_ Applier = Arch{}
	_ Applier = ReputationFloor{}
	_ Applier = GPU{}
	_ Applier = Constraints{}
	_ Applier = Price{}
)
