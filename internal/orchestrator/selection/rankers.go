package selection

// FreeCapacity prefers providers with more CPU and memory left, which
// spreads load across providers.
type FreeCapacity struct{}

func (FreeCapacity) Name() string { return "free-capacity" }

func (FreeCapacity) Score(_ *Request, c *Candidate) float64 {
	t, f := c.Presence.Total, c.Free()
	return (ratio(f.MilliCPU, t.MilliCPU) + ratio(f.MemoryBytes, t.MemoryBytes)) / 2
}

// LowPrice prefers cheaper providers.
type LowPrice struct{}

func (LowPrice) Name() string { return "price" }

func (LowPrice) Score(_ *Request, c *Candidate) float64 {
	return 1 / (1 + float64(c.Presence.PricePerCPUSecond)/100)
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

func ratio(a, b int64) float64 {
	if b <= 0 || a <= 0 {
		return 0
	}
	return min(float64(a)/float64(b), 1)
}
