package devnet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/wasm"
	"github.com/opensky-network/opensky/internal/node"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
	"github.com/opensky-network/opensky/internal/wasmbuild"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// startNet starts a network of n providers on free ports.
func startNet(t *testing.T, n int, opts ...func(*Options)) *Network {
	t.Helper()
	o := Options{
		Dir:             t.TempDir(),
		Providers:       n,
		GatewayListen:   "127.0.0.1:0",
		PresenceTimeout: 15 * time.Second, // generous: the race detector slows every peer in this one process, and cold module compiles starve presence
		Provider: func(i int, p *config.Provider) {
			p.CPU = "2"
			p.Memory = "2Gi"
			p.Disk = "4Gi"
			p.PresenceInterval = "200ms"
		},
	}
	if os.Getenv("OPENSKY_TEST_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	for _, f := range opts {
		f(&o)
	}
	net, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	return net
}

func upload(t *testing.T, o *orchestrator.Orchestrator, data []byte) string {
	t.Helper()
	b, err := o.PutBlob(context.Background(), bytes.NewReader(data), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	return b.Hash
}

func wasmJob(module string, shards int) spec.Job {
	return spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: module, Shards: shards,
		Resources: spec.Resources{CPU: 500, Memory: 64 << 20, Timeout: spec.Duration(20 * time.Second)}}
}

// run submits a job and waits for its terminal record.
func run(t *testing.T, o *orchestrator.Orchestrator, s spec.Job) *api.Job {
	t.Helper()
	return runAs(t, context.Background(), o, s)
}

// runAs submits s with ctx, which carries the account it is submitted as
// (a paid job must be its escrow owner's), and waits until it ends.
func runAs(t *testing.T, ctx context.Context, o *orchestrator.Orchestrator, s spec.Job) *api.Job {
	t.Helper()
	j, err := o.SubmitJob(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	return wait(t, o, j.ID)
}

func wait(t *testing.T, o *orchestrator.Orchestrator, id string) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a cold compile of a Go module under -race on a loaded machine is slow
	defer cancel()
	var after uint64
	for {
		j, err := o.WaitJob(ctx, id, after)
		if err != nil {
			t.Fatal(err)
		}
		if j.Phase.Terminal() {
			return j
		}
		if ctx.Err() != nil {
			t.Fatalf("job %s stuck in %s", id, j.Phase)
		}
		after = j.Version
	}
}

func readOutput(t *testing.T, o *orchestrator.Orchestrator, id string, shard int, path string) []byte {
	t.Helper()
	r, _, err := o.OpenOutput(context.Background(), id, shard, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, _ := io.ReadAll(r)
	return b
}

// TestShardedPiBitForBit runs the pi example over 8 shards with 2 replicas
// on 3 providers and checks every shard's output against the same task run
// directly on a local executor, byte for byte.
func TestShardedPiBitForBit(t *testing.T) {
	mod := buildExample(t, "./examples/pi")
	net := startNet(t, 3)
	o := net.Gateway.Orchestrator
	s := wasmJob(upload(t, o, mod), 8)
	s.Replicas = 2
	s.Resources.CPU = 250                                // all 16 tasks fit on the 6 cores at once
	s.Resources.Timeout = spec.Duration(2 * time.Minute) // three cold compiles under the race detector share two cores
	s.Args = []string{"20000"}
	j := run(t, o, s)
	if j.Phase != api.PhaseCompleted || j.ExitCode != 0 {
		t.Fatalf("job ended %s (%s: %s)", j.Phase, j.ErrorCode, j.Reason)
	}
	providers := map[string]bool{}
	for _, task := range j.Tasks {
		providers[task.Provider] = true
		if task.Receipt == nil || task.OutputRoot == "" {
			t.Errorf("task %s has no receipt", task.ID)
		}
	}
	if len(providers) < 2 {
		t.Errorf("16 tasks ran on %d provider(s); replicas must use distinct providers", len(providers))
	}
	local, err := wasm.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close(context.Background())
	logs, err := o.JobLogs(context.Background(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	for shard := range 8 {
		out := t.TempDir()
		res, err := local.Run(context.Background(), &executor.Task{
			ID: "local", JobID: j.ID, Shard: shard, Shards: 8, Engine: spec.EngineWasm, Module: mod,
			Args: s.Args, Seed: orchestrator.Seed(j.ID, shard), OutputDir: out, InputDir: t.TempDir(),
			Limits: executor.Limits{MemoryBytes: 64 << 20, Timeout: 20 * time.Second},
		})
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(out, "pi.json"))
		if err != nil {
			t.Fatal(err)
		}
		if got := readOutput(t, o, j.ID, shard, "pi.json"); !bytes.Equal(got, want) {
			t.Errorf("shard %d: network output %q, local run %q", shard, got, want)
		}
		root, _ := verify.TaskRoot(out, res.ExitCode, res.Stdout, res.Stderr)
		for _, task := range j.Tasks {
			if task.Shard == shard && task.OutputRoot != root.String() {
				t.Errorf("shard %d replica %d root %s, local %s", shard, task.Replica, task.OutputRoot, root)
			}
		}
		for _, l := range logs.Tasks {
			if l.Shard == shard && l.Stdout != string(res.Stdout) {
				t.Errorf("shard %d stdout %q, local %q", shard, l.Stdout, res.Stdout)
			}
		}
	}
}

// TestWordCountWithInputs runs the word count over inline and uploaded
// inputs and checks the exact counts.
func TestWordCountWithInputs(t *testing.T) {
	mod := buildExample(t, "./examples/wordcount")
	net := startNet(t, 3)
	o := net.Gateway.Orchestrator
	big := strings.Repeat("gamma delta ", 10000) // 120 kB: travels by reference
	s := wasmJob(upload(t, o, mod), 1)
	s.Inputs = []spec.Input{
		{Name: "a.txt", Content: "alpha beta alpha"},
		{Name: "dir/b.txt", Blob: upload(t, o, []byte("beta gamma"))},
		{Name: "big.txt", Blob: upload(t, o, []byte(big))},
	}
	j := run(t, o, s)
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("job ended %s (%s: %s)", j.Phase, j.ErrorCode, j.Reason)
	}
	got := string(readOutput(t, o, j.ID, 0, "counts.txt"))
	for _, want := range []string{"alpha 2", "beta 2", "gamma 10001", "delta 10000"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("counts.txt lacks %q:\n%s", want, got)
		}
	}
}

// TestFailuresAreClearAndIsolated runs failing modules next to a healthy
// job: each failure ends with its own code, and the healthy job completes.
func TestFailuresAreClearAndIsolated(t *testing.T) {
	net := startNet(t, 3)
	o := net.Gateway.Orchestrator
	cases := []struct {
		name, code string
		module     []byte
		timeout    time.Duration
	}{
		{"invalid", "invalid_module", wasmtest.Invalid(), 5 * time.Second},
		{"trap", "module_trap", wasmtest.Trap(), 5 * time.Second},
		{"loop", "timeout", wasmtest.Loop(), 300 * time.Millisecond},
		{"oom", "memory_limit", wasmtest.GrowForever(), time.Minute},
	}
	ids := map[string]string{}
	for _, c := range cases {
		s := wasmJob(upload(t, o, c.module), 1)
		s.Resources.Timeout = spec.Duration(c.timeout)
		s.Resources.Memory = 8 << 20
		j, err := o.SubmitJob(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.name] = j.ID
	}
	healthy := wasmJob(upload(t, o, wasmtest.Print(1, "still fine\n")), 3)
	hj := run(t, o, healthy)
	if hj.Phase != api.PhaseCompleted {
		t.Fatalf("healthy job ended %s: %s", hj.Phase, hj.Reason)
	}
	for _, c := range cases {
		j := wait(t, o, ids[c.name])
		if j.Phase != api.PhaseFailed || j.ErrorCode != c.code {
			t.Errorf("%s: ended %s with code %q (%s), want failed/%s", c.name, j.Phase, j.ErrorCode, j.Reason, c.code)
		}
		if j.Reason == "" {
			t.Errorf("%s: no reason given", c.name)
		}
	}
	exit := run(t, o, wasmJob(upload(t, o, wasmtest.Exit(3)), 1))
	if exit.Phase != api.PhaseCompleted || exit.ExitCode != 3 {
		t.Errorf("exit job: %s exit %d, want completed exit 3", exit.Phase, exit.ExitCode)
	}
}

// TestCancelStopsTheModule cancels a running infinite loop: the job ends
// cancelled and the provider frees the task's resources.
func TestCancelStopsTheModule(t *testing.T) {
	net := startNet(t, 1)
	o := net.Gateway.Orchestrator
	s := wasmJob(upload(t, o, wasmtest.Loop()), 1)
	s.Resources.Timeout = spec.Duration(10 * time.Minute)
	j, err := o.SubmitJob(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, o, j.ID, api.PhaseRunning)
	c, err := o.CancelJob(context.Background(), j.ID, "test says stop")
	if err != nil {
		t.Fatal(err)
	}
	if c.Phase != api.PhaseCancelled || !strings.Contains(c.Reason, "test says stop") {
		t.Fatalf("after cancel: %s %q", c.Phase, c.Reason)
	}
	eventually(t, "provider frees the cancelled task", func() bool {
		ps, _ := o.Providers(context.Background())
		return len(ps) == 1 && ps[0].Running == 0 && ps[0].Free.MilliCPU == ps[0].Total.MilliCPU
	})
}

// TestProviderLossReschedulesTheTask stops the provider running a task:
// the task moves to the other provider instead of staying in running.
// When that one stops too (gracefully, saying so) and no provider is
// left, the job fails with a reason once matching gives up.
func TestProviderLossReschedulesTheTask(t *testing.T) {
	net := startNet(t, 2)
	o := net.Gateway.Orchestrator
	s := wasmJob(upload(t, o, wasmtest.Loop()), 1)
	s.Resources.Timeout = spec.Duration(10 * time.Minute)
	s.Timeouts.Matching = spec.Duration(2 * time.Second)
	j, err := o.SubmitJob(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	rec := waitPhase(t, o, j.ID, api.PhaseRunning)
	first := rec.Tasks[0].Provider
	for _, p := range net.Providers {
		if p.Host.ID().String() == first {
			// Cut the network first, as a crash or a pulled cable would:
			// nothing reaches the orchestrator, which must notice alone.
			p.Host.Close()
			p.Close()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for rec.Tasks[0].Attempts < 2 || rec.Tasks[0].Phase != api.PhaseRunning {
		if rec, err = o.WaitJob(ctx, j.ID, rec.Version); err != nil || rec.Phase.Terminal() {
			t.Fatalf("the task did not move: %v %s %s", err, rec.Phase, rec.Reason)
		}
	}
	second := rec.Tasks[0].Provider
	if h := rec.Tasks[0].History; second == first || len(h) != 2 || h[0].Provider != first || h[0].ErrorCode != "provider_lost" {
		t.Fatalf("after the loss: provider %s, history %+v", second, h)
	}
	// A provider that stops gracefully says so at once.
	for _, p := range net.Providers {
		if p.Host.ID().String() == second {
			p.Close()
		}
	}
	end := wait(t, o, j.ID)
	h := end.Tasks[0].History
	if end.Phase != api.PhaseFailed || end.ErrorCode != "no_providers" || len(h) != 2 || h[1].ErrorCode != "provider_lost" || !strings.Contains(h[1].Error, "shut down") {
		t.Fatalf("ended %s/%s: %s; history %+v", end.Phase, end.ErrorCode, end.Reason, h)
	}
}

// TestOrchestratorRestartLosesNoJob stops the gateway node while a task
// runs, starts it again on the same data and ports, and sees the job
// complete with the provider's result.
func TestOrchestratorRestartLosesNoJob(t *testing.T) {
	mod := buildExample(t, "./examples/matmul")
	dir := t.TempDir()
	net := startNet(t, 1, func(o *Options) { o.Dir = dir })
	o := net.Gateway.Orchestrator
	s := wasmJob(upload(t, o, mod), 1)
	s.Args = []string{"400"} // long enough to still run across the restart
	// and allowed plenty of time for it on a machine loaded by other tests
	s.Resources.Timeout = spec.Duration(2 * time.Minute)
	j, err := o.SubmitJob(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, o, j.ID, api.PhaseRunning)
	cfg := net.Gateway.Config()
	if err := net.Gateway.Close(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	// Pin the restarted node to the addresses it had, so the provider's
	// result and reconnection find it.
	restarted, err := net.RestartGateway(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	end := wait(t, restarted.Orchestrator, j.ID)
	if end.Phase != api.PhaseCompleted {
		t.Fatalf("after restart the job ended %s/%s: %s", end.Phase, end.ErrorCode, end.Reason)
	}
	if !end.Tasks[0].FinishedAt.After(stopped) {
		t.Fatalf("the result was recorded before the restart (%s); the test did not exercise resumption", end.Tasks[0].FinishedAt)
	}
	if out := readOutput(t, restarted.Orchestrator, j.ID, 0, "c.txt"); len(out) == 0 {
		t.Fatal("no output after restart")
	}
}

func waitPhase(t *testing.T, o *orchestrator.Orchestrator, id string, phase api.Phase) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var after uint64
	for {
		j, err := o.WaitJob(ctx, id, after)
		if err != nil {
			t.Fatal(err)
		}
		if j.Phase == phase {
			return j
		}
		if j.Phase.Terminal() || ctx.Err() != nil {
			t.Fatalf("job %s reached %s (%s), never %s", id, j.Phase, j.Reason, phase)
		}
		after = j.Version
	}
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func buildExample(t *testing.T, pkg string) []byte {
	t.Helper()
	path, err := wasmbuild.Build(context.Background(), pkg)
	if err != nil {
		t.Fatalf("build %s: %v", pkg, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var _ = fmt.Sprint

// TestProviderFoundThroughAnotherPeer starts a provider that knows only
// another provider, not the gateway: the gateway must still hear of it and
// reach it to run a task there.
func TestProviderFoundThroughAnotherPeer(t *testing.T) {
	net := startNet(t, 1)
	o := net.Gateway.Orchestrator
	cfg := base(filepath.Join(net.Dir, "far-provider"))
	cfg.P2P.Bootstrap = net.Providers[0].Host.Addrs()
	cfg.Provider.Labels = map[string]string{"far": "yes"}
	cfg.Provider.PresenceInterval = "200ms"
	far, err := node.Start(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	s := wasmJob(upload(t, o, wasmtest.Print(1, "from afar\n")), 1)
	s.Constraints = []string{"far=yes"}
	j := run(t, o, s)
	if j.Phase != api.PhaseCompleted || j.Tasks[0].Provider != far.Host.ID().String() {
		t.Fatalf("ended %s on %s (%s), want completed on %s", j.Phase, j.Tasks[0].Provider, j.Reason, far.Host.ID())
	}
}
