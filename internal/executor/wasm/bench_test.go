package wasm

import (
	"context"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// benchmarkRun runs task b.N times on a warm executor.
func benchmarkRun(b *testing.B, task *executor.Task) {
	ex := newExecutor(b)
	ctx := context.Background()
	if _, err := ex.Run(ctx, task); err != nil { // compile outside the loop
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ex.Run(ctx, task); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunTrivial measures the fixed cost of a run: instantiate a
// cached module, call _start, collect the result.
func BenchmarkRunTrivial(b *testing.B) {
	benchmarkRun(b, moduleTask(wasmtest.Trivial()))
}

// BenchmarkRunGo measures a run of a Go program, whose runtime starts up
// on every run.
func BenchmarkRunGo(b *testing.B) {
	benchmarkRun(b, fixtureTask(b, "echo", "hello"))
}
