package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/wasm"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

func main() {
	n := flag.Int("n", 300, "sequential jobs for the latency measurement")
	jobs := flag.Int("jobs", 3000, "jobs for the throughput measurement")
	conc := flag.Int("concurrency", 64, "concurrent clients for the throughput measurement")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	dockerN := flag.Int("docker", 0, "also compare n container jobs with plain `docker run --rm` (0: skip)")
	chainN := flag.Int("chain", 0, "only measure n settlement cycles through one chain validator against the state machine alone (0: skip)")
	selectionN := flag.Int("selection", 0, "only measure n placements on 10,000 simulated providers through the selection pipeline against a bare filter+score loop (0: skip)")
	storageMiB := flag.Int("storage", 0, "only measure put and get of n MiB through 14 loopback storage providers against the in-memory pipeline alone (0: skip)")
	polkadotN := flag.Int("polkadot", 0, "only measure n decodes of a captured Polkadot block's events, and of a 1 MiB block (0: skip)")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *polkadotN > 0 {
		if err := polkadotEvents(*polkadotN); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *selectionN > 0 {
		if err := selectionThroughput(*selectionN); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *storageMiB > 0 {
		if err := storageThroughput(context.Background(), *storageMiB); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *chainN > 0 {
		if err := chainThroughput(context.Background(), *chainN); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	err := run(context.Background(), *n, *jobs, *conc)
	if err == nil && *dockerN > 0 {
		fmt.Println()
		err = dockerLatency(context.Background(), *dockerN)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, n, jobs, conc int) error {
	mod := wasmtest.Trivial()
	raw, err := rawWazero(ctx, mod, n)
	if err != nil {
		return fmt.Errorf("raw wazero: %w", err)
	}
	exe, err := executorOnly(ctx, mod, n)
	if err != nil {
		return fmt.Errorf("executor: %w", err)
	}
	net, err := devnet.Start(ctx, devnet.Options{
		GatewayListen: "127.0.0.1:0",
		Logger:        slog.New(slog.DiscardHandler),
		// One account drives the whole load: lift its request budget.
		RatePerSecond: 100_000,
		Provider: func(_ int, p *config.Provider) {
			p.CPU = "2"
			p.Memory = "4Gi"
		},
	})
	if err != nil {
		return err
	}
	defer net.Close()
	c, err := benchClient(net.URL)
	if err != nil {
		return err
	}
	blob, err := c.PutBlob(ctx, bytes.NewReader(mod))
	if err != nil {
		return err
	}
	s := spec.Job{
		APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: blob.Hash,
		Resources: spec.Resources{CPU: 100, Memory: 16 << 20, Timeout: spec.Duration(10 * time.Second)},
	}
	for range 20 { // warm the providers' caches
		if _, err := submitAndWait(ctx, c, s); err != nil {
			return err
		}
	}
	netLat := make([]time.Duration, 0, n)
	for range n {
		d, err := submitAndWait(ctx, c, s)
		if err != nil {
			return err
		}
		netLat = append(netLat, d)
	}
	rawRate := rawThroughput(ctx, mod, jobs, conc)
	rate, failed, err := throughput(ctx, c, s, jobs, conc)
	if err != nil {
		return err
	}

	fmt.Printf("WASM job latency, trivial module, n=%d (p50 / p90)\n", n)
	row := func(name string, d []time.Duration) {
		fmt.Printf("  %-40s %9s / %9s\n", name, pct(d, 50), pct(d, 90))
	}
	row("raw wazero, compiled once (baseline)", raw)
	row("OpenSky executor alone", exe)
	row("OpenSky network: HTTP submit → result", netLat)
	added := pct(netLat, 50) - pct(raw, 50)
	fmt.Printf("  network adds at p50: %s (goal < 5ms); ratio network/raw p50: %.1fx\n\n", added, float64(pct(netLat, 50))/float64(max(pct(raw, 50), 1)))
	fmt.Printf("Throughput, %d trivial jobs, %d concurrent clients, 1 orchestrator + 3 providers\n", jobs, conc)
	fmt.Printf("  raw wazero on the same cores (baseline)  %9.0f runs/s\n", rawRate)
	fmt.Printf("  OpenSky network                          %9.0f jobs/s (goal > 500), %d failed\n", rate, failed)
	fmt.Printf("  ratio network/raw: %.3f\n", rate/rawRate)
	return nil
}

func submitAndWait(ctx context.Context, c *api.Client, s spec.Job) (time.Duration, error) {
	start := time.Now()
	j, err := c.SubmitJob(ctx, s)
	if err != nil {
		return 0, err
	}
	var end api.Job
	err = c.WatchJob(ctx, j.ID, func(u api.Job) error {
		end = u
		return nil
	})
	if err != nil {
		return 0, err
	}
	d := time.Since(start)
	if end.Phase != api.PhaseCompleted {
		return 0, fmt.Errorf("job %s ended %s: %s", j.ID, end.Phase, end.Reason)
	}
	return d, nil
}

func throughput(ctx context.Context, c *api.Client, s spec.Job, jobs, conc int) (float64, int64, error) {
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(jobs) {
				if _, err := submitAndWait(ctx, c, s); err != nil {
					failed.Add(1)
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	rate := float64(jobs) / time.Since(start).Seconds()
	if failed.Load() > int64(jobs)/100 {
		return rate, failed.Load(), fmt.Errorf("%d of %d jobs failed, first: %w", failed.Load(), jobs, firstErr)
	}
	return rate, failed.Load(), nil
}

// rawWazero runs the module n times the way a bare wazero embedder would:
// compiled once, instantiated per run with WASI.
func rawWazero(ctx context.Context, mod []byte, n int) ([]time.Duration, error) {
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	cm, err := rt.CompileModule(ctx, mod)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, 0, n)
	for range n + 20 {
		start := time.Now()
		m, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStdout(&bytes.Buffer{}))
		if err != nil {
			return nil, err
		}
		m.Close(ctx)
		out = append(out, time.Since(start))
	}
	return out[20:], nil
}

func rawThroughput(ctx context.Context, mod []byte, runs, conc int) float64 {
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	cm, err := rt.CompileModule(ctx, mod)
	if err != nil {
		return 0
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(runs) {
				if m, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("")); err == nil {
					m.Close(ctx)
				}
			}
		}()
	}
	wg.Wait()
	return float64(runs) / time.Since(start).Seconds()
}

func executorOnly(ctx context.Context, mod []byte, n int) ([]time.Duration, error) {
	dir, err := os.MkdirTemp("", "opensky-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	e, err := wasm.New(ctx, wasm.WithCacheDir(dir))
	if err != nil {
		return nil, err
	}
	defer e.Close(ctx)
	out := make([]time.Duration, 0, n)
	for i := range n + 20 {
		start := time.Now()
		_, err := e.Run(ctx, &executor.Task{
			ID: "bench", JobID: "bench", Shards: 1, Engine: spec.EngineWasm, Module: mod, ModuleHash: spec.BlobRef(mod),
			Limits: executor.Limits{MemoryBytes: 16 << 20, Timeout: 10 * time.Second},
		})
		if err != nil {
			return nil, err
		}
		if i >= 20 {
			out = append(out, time.Since(start))
		}
	}
	return out, nil
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)-1)*p/100].Round(time.Microsecond)
}
