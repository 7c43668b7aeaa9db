// Package simnet builds simulated networks of providers and streams of
// placement requests, for the selection benchmarks.
package simnet

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
)

var (
	regions = []string{"eu", "us", "asia", "sa", "af"}
	tiers   = []string{"gold", "silver", "bronze"}
	archs   = []string{"amd64", "amd64", "amd64", "arm64"}
)

// Now is the simulated clock the candidates were seen against.
var Now = time.Unix(1_700_000_000, 0)

// Network returns n providers with varied engines, capacity, load, labels,
// prices, reputations, owners (about three providers per owner) and
// latencies, a few of them stale, deterministically from seed.
func Network(n int, seed uint64) []selection.Candidate {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]selection.Candidate, n)
	for i := range out {
		engines := []string{"wasm"}
		switch rng.IntN(4) {
		case 0:
			engines = []string{"docker"}
		case 1, 2:
			engines = []string{"wasm", "docker"}
		}
		cores := int64(1 << rng.IntN(6)) // 1..32 cores
		total := wire.Capacity{MilliCPU: cores * 1000, MemoryBytes: cores * 2 << 30, DiskBytes: cores * 20 << 30}
		if rng.IntN(10) == 0 {
			total.GPUs = int64(1 + rng.IntN(4))
		}
		used := rng.Float64() * 0.9
		labels := map[string]string{
			"arch":   archs[rng.IntN(len(archs))],
			"region": regions[rng.IntN(len(regions))],
			"tier":   tiers[rng.IntN(len(tiers))],
		}
		if total.GPUs > 0 {
			labels["gpu"] = "a100"
		}
		if rng.IntN(3) == 0 {
			labels["ssd"] = "true"
		}
		seen := Now.Add(-time.Duration(rng.IntN(5000)) * time.Millisecond)
		if rng.IntN(50) == 0 {
			seen = Now.Add(-time.Minute)
		}
		var latency time.Duration
		if rng.IntN(5) > 0 {
			latency = time.Duration(1+rng.IntN(300)) * time.Millisecond
		}
		peer := fmt.Sprintf("12D3KooWsim%06d", i)
		out[i] = selection.Candidate{
			Peer: peer,
			Presence: wire.Presence{
				Peer: peer, Engines: engines, Total: total, Labels: labels,
				PricePerCPUSecond: int64(1 + rng.IntN(200)), MinPrice: int64(rng.IntN(100)),
			},
			LastSeen: seen,
			InFlight: wire.Capacity{
				MilliCPU:    int64(used * float64(total.MilliCPU)),
				MemoryBytes: int64(used * float64(total.MemoryBytes)),
				DiskBytes:   int64(used * float64(total.DiskBytes)),
			},
			Reputation: 0.3 + 0.7*rng.Float64(),
			Owner:      fmt.Sprintf("5Owner%05d", i/3+rng.IntN(2)),
			Latency:    latency,
		}
	}
	return out
}

// Requests returns n placement requests with varied engines, sizes,
// constraints, price caps, reputation floors, placements and replica
// exclusions, each asking for the best limit candidates out of a sample
// of sample feasible ones and starting its scan at a random place.
func Requests(n, limit, sample int, seed uint64) []selection.Request {
	rng := rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))
	out := make([]selection.Request, n)
	for i := range out {
		r := selection.Request{
			Engine:      "wasm",
			Resources:   wire.Capacity{MilliCPU: int64(250 * (1 + rng.IntN(8))), MemoryBytes: int64(64<<20) << rng.IntN(5), DiskBytes: 256 << 20},
			TimeoutMs:   int64(10_000 * (1 + rng.IntN(6))),
			Now:         Now,
			FreshWithin: 10 * time.Second,
			Limit:       limit,
			Sample:      sample,
			Start:       rng.IntN(1 << 30),
			Reputations: true,
		}
		if rng.IntN(3) == 0 {
			r.Engine = "docker"
		}
		switch rng.IntN(4) {
		case 0:
			r.Constraints = []string{"region=" + regions[rng.IntN(len(regions))]}
		case 1:
			r.Constraints = []string{"tier!=bronze", "ssd"}
		case 2:
			r.Arch = archs[rng.IntN(len(archs))]
		}
		if rng.IntN(20) == 0 && r.Engine == "docker" {
			r.Resources.GPUs = 1
		}
		if rng.IntN(2) == 0 {
			r.MaxPrice = int64(50_000 + rng.IntN(2_000_000))
		}
		if rng.IntN(3) == 0 {
			r.MinReputation = 0.5 + 0.3*rng.Float64()
		}
		if rng.IntN(2) == 0 {
			r.Placement = spec.PlacementPack
		}
		if rng.IntN(3) == 0 { // another replica of the shard is placed already
			p := rng.IntN(1 << 30)
			r.Exclude = map[string]bool{fmt.Sprintf("12D3KooWsim%06d", p%10000): true}
			r.ExcludeOwners = map[string]bool{fmt.Sprintf("5Owner%05d", p%10000/3): true}
		}
		out[i] = r
	}
	return out
}
