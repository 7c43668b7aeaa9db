// Command pi estimates π by Monte Carlo sampling, as one shard of a
// sharded job.
//
// It draws samples points in the unit square (args[1], default 1e6) and
// counts those inside the quarter circle. Its random stream is seeded by
// OPENSKY_SHARD_INDEX, so every shard samples different points and every
// replica of a shard the same ones. It writes
// {"shard":i,"inside":n,"samples":m} to /outputs/pi.json and one line to
// stdout; π ≈ 4·Σinside/Σsamples over all shards.
package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// outputsDir is where the job's outputs are collected.
const outputsDir = "/outputs"

// streamKey separates this program's random streams from other uses of
// the shard index.
const streamKey = 0x9e3779b97f4a7c15

// Estimate is one shard's result.
type Estimate struct {
	Shard   int   `json:"shard"`
	Inside  int64 `json:"inside"`
	Samples int64 `json:"samples"`
}

func main() {
	samples := int64(1_000_000)
	if len(os.Args) > 1 {
		n, err := strconv.ParseInt(os.Args[1], 10, 64)
		if err != nil || n <= 0 {
			fail(fmt.Errorf("samples must be a positive integer, got %q", os.Args[1]))
		}
		samples = n
	}
	shard, err := envInt("OPENSKY_SHARD_INDEX")
	if err != nil {
		fail(err)
	}

	e := Estimate{Shard: shard, Samples: samples, Inside: sample(uint64(shard), samples)}
	data, err := json.Marshal(e)
	if err != nil {
		fail(err)
	}
	if err := writeOutput("pi.json", append(data, '\n')); err != nil {
		fail(err)
	}
	fmt.Printf("shard %d: %d of %d samples inside, pi ~ %.6f\n",
		e.Shard, e.Inside, e.Samples, 4*float64(e.Inside)/float64(e.Samples))
}

// sample counts how many of n points drawn from the stream of shard fall
// inside the unit quarter circle.
func sample(shard uint64, n int64) int64 {
	rng := rand.New(rand.NewPCG(shard, streamKey))
	var inside int64
	for range n {
		x, y := rng.Float64(), rng.Float64()
		if x*x+y*y <= 1 {
			inside++
		}
	}
	return inside
}

// envInt reads a non-negative integer variable; unset means 0.
func envInt(name string) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s must be a non-negative integer, got %q", name, v)
	}
	return n, nil
}

// writeOutput writes name under the outputs directory; run natively,
// without one, it only says so.
func writeOutput(name string, data []byte) error {
	if _, err := os.Stat(outputsDir); err != nil {
		fmt.Fprintf(os.Stderr, "no %s directory; not writing %s\n", outputsDir, name)
		return nil
	}
	return os.WriteFile(filepath.Join(outputsDir, name), data, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "pi:", err)
	os.Exit(1)
}
