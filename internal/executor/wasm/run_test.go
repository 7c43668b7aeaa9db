package wasm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

func TestEngine(t *testing.T) {
	if got := newExecutor(t).Engine(); got != spec.EngineWasm {
		t.Fatalf("Engine() = %q", got)
	}
}

func TestTrap(t *testing.T) {
	res, err := newExecutor(t).Run(context.Background(), moduleTask(wasmtest.Trap()))
	if !errors.Is(err, executor.ErrTrap) {
		t.Fatalf("err %v, want ErrTrap", err)
	}
	if res == nil {
		t.Fatal("no Result for a task that started")
	}
}

func TestExitFromGo(t *testing.T) {
	res, err := newExecutor(t).Run(context.Background(), fixtureTask(t, "exit", "7"))
	if err != nil || res.ExitCode != 7 {
		t.Fatalf("exit 7: code %v, err %v", res, err)
	}
}

func TestInvalidModule(t *testing.T) {
	var noStart wasmtest.Module
	noStart.Memory(1, 0)
	noStart.Export("main", noStart.Func(nil, nil, nil, wasmtest.Code{}))

	var foreign wasmtest.Module
	fn := foreign.Import("env", "host_call", nil, nil)
	foreign.Memory(1, 0)
	foreign.Export("_start", foreign.Func(nil, nil, nil, wasmtest.Code{}.Call(fn)))

	ex := newExecutor(t)
	for name, bin := range map[string][]byte{
		"garbage":       wasmtest.Invalid(),
		"no _start":     noStart.Bytes(),
		"foreign input": foreign.Bytes(),
	} {
		res, err := ex.Run(context.Background(), moduleTask(bin))
		if !errors.Is(err, executor.ErrInvalidModule) || res != nil {
			t.Errorf("%s: result %v, err %v; want no result and ErrInvalidModule", name, res, err)
		}
	}
}

func TestInvalidTask(t *testing.T) {
	ex := newExecutor(t)
	trivial := wasmtest.Trivial()
	for name, task := range map[string]*executor.Task{
		"nil":            nil,
		"no module":      {ID: "x"},
		"docker engine":  {Engine: spec.EngineDocker, Module: trivial},
		"env key with =": {Module: trivial, Env: map[string]string{"A=B": "c"}},
		"NUL in arg":     {Module: trivial, Args: []string{"a\x00b"}},
		"missing input":  {Module: trivial, InputDir: filepath.Join(t.TempDir(), "missing")},
		"negative limit": {Module: trivial, Limits: executor.Limits{Timeout: -1}},
		"wrong hash":     {Module: trivial, ModuleHash: hashModule(wasmtest.Loop())},
	} {
		if _, err := ex.Run(context.Background(), task); !errors.Is(err, executor.ErrInvalidTask) {
			t.Errorf("%s: err %v, want ErrInvalidTask", name, err)
		}
	}
	good := moduleTask(trivial)
	good.ModuleHash = hashModule(trivial)
	if _, err := ex.Run(context.Background(), good); err != nil {
		t.Errorf("a task with the right hash: %v", err)
	}
}

func TestMemoryGrowthPastTheLimit(t *testing.T) {
	task := moduleTask(wasmtest.GrowForever())
	task.Limits.MemoryBytes = 4 << 20
	res, err := newExecutor(t).Run(context.Background(), task)
	if !errors.Is(err, executor.ErrMemoryLimit) {
		t.Fatalf("err %v, want ErrMemoryLimit", err)
	}
	if !res.OOMKilled {
		t.Error("OOMKilled not set")
	}
	// The module grows by 16 pages from 1: 1, 17, 33, 49; 65 is refused.
	if want := int64(49 * wasmtest.PageSize); res.Usage.PeakMemory != want {
		t.Errorf("PeakMemory %d, want %d", res.Usage.PeakMemory, want)
	}
}

func TestDeclaredMemoryOverTheLimit(t *testing.T) {
	ex := newExecutor(t)
	task := moduleTask(wasmtest.MinMemory(100))
	task.Limits.MemoryBytes = 1 << 20
	res, err := ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrMemoryLimit) || res != nil {
		t.Fatalf("100 pages under 1 MiB: result %v, err %v; want ErrMemoryLimit", res, err)
	}

	task = moduleTask(wasmtest.MinMemory(10))
	task.Limits.MemoryBytes = 1 << 20
	res, err = ex.Run(context.Background(), task)
	if err != nil {
		t.Fatalf("10 pages under 1 MiB: %v", err)
	}
	if res.Usage.PeakMemory != 10*wasmtest.PageSize {
		t.Errorf("PeakMemory %d, want %d", res.Usage.PeakMemory, 10*wasmtest.PageSize)
	}
}

func TestArgsAndEnvironment(t *testing.T) {
	ex := newExecutor(t)
	res, err := ex.Run(context.Background(), fixtureTask(t, "args", "a b", "c"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "module.wasm\nargs\na b\nc\n"; string(res.Stdout) != want {
		t.Errorf("args: %q, want %q", res.Stdout, want)
	}

	task := fixtureTask(t, "env")
	task.JobID, task.Shard, task.Shards = "job-7", 3, 16
	task.Env = map[string]string{"ZED": "z", "ALPHA": "a=b", executor.EnvJobID: "forged"}
	res, err = ex.Run(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	want := "ALPHA=a=b\nZED=z\nOPENSKY_SHARD_INDEX=3\nOPENSKY_SHARD_COUNT=16\nOPENSKY_JOB_ID=job-7\n"
	if string(res.Stdout) != want {
		t.Errorf("env: %q, want %q", res.Stdout, want)
	}
}

func TestOnlyTheMountsAreVisible(t *testing.T) {
	ex := newExecutor(t)
	task := fixtureTask(t, "ls", "/inputs", "/outputs", "/etc/passwd", "/inputs/../../etc/passwd", "/tmp")
	task.InputDir, task.OutputDir = t.TempDir(), t.TempDir()
	res, err := ex.Run(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	want := "/inputs true\n/outputs true\n/etc/passwd false\n/inputs/../../etc/passwd false\n/tmp false\n"
	if string(res.Stdout) != want {
		t.Errorf("with both mounts: %q, want %q", res.Stdout, want)
	}

	res, err = ex.Run(context.Background(), fixtureTask(t, "ls", "/inputs", "/outputs"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "/inputs false\n/outputs false\n"; string(res.Stdout) != want {
		t.Errorf("with no mounts: %q, want %q", res.Stdout, want)
	}
}

func TestLiveOutputIsBounded(t *testing.T) {
	var live strings.Builder
	task := moduleTask(wasmtest.Flood(1 << 20))
	task.Limits.OutputBytes = 100
	task.Stdout = &live
	res, err := newExecutor(t).Run(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	if live.String() != strings.Repeat("x", 100) || string(res.Stdout) != live.String() || !res.Truncated {
		t.Errorf("streamed %d bytes, captured %d, truncated %t; want 100, 100, true", live.Len(), len(res.Stdout), res.Truncated)
	}
}

func TestModuleCacheIsBounded(t *testing.T) {
	ex := newExecutor(t, WithMaxModules(2))
	for _, code := range []uint32{1, 2, 3, 1, 2} {
		res, err := ex.Run(context.Background(), moduleTask(wasmtest.Exit(code)))
		if err != nil || res.ExitCode != int(code) {
			t.Fatalf("Exit(%d): result %v, err %v", code, res, err)
		}
	}
	if n := ex.modules.len(); n != 2 {
		t.Fatalf("%d modules cached, want 2", n)
	}
}

func TestSameModuleConcurrently(t *testing.T) {
	ex := newExecutor(t, WithMaxModules(1))
	bin := wasmtest.Print(wasmtest.Stdout, "same")
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			// Alternate with another module so that entries are evicted
			// while runs still use them.
			task := moduleTask(bin)
			if i%2 == 1 {
				task = moduleTask(wasmtest.Print(wasmtest.Stdout, "other"))
			}
			res, err := ex.Run(context.Background(), task)
			if err != nil {
				t.Errorf("run %d: %v", i, err)
				return
			}
			if want := map[bool]string{false: "same", true: "other"}[i%2 == 1]; string(res.Stdout) != want {
				t.Errorf("run %d: stdout %q, want %q", i, res.Stdout, want)
			}
		})
	}
	wg.Wait()
}

func TestCacheDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		ex, err := New(context.Background(), WithCacheDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		res, err := ex.Run(context.Background(), moduleTask(wasmtest.Exit(5)))
		if err != nil || res.ExitCode != 5 {
			t.Fatalf("start %d: result %v, err %v", i, res, err)
		}
		if err := ex.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) == 0 {
			t.Fatalf("cache dir empty after start %d (%v)", i, err)
		}
	}
}

func TestClose(t *testing.T) {
	ex, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := ex.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ex.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := ex.Run(context.Background(), moduleTask(wasmtest.Trivial())); !errors.Is(err, ErrClosed) {
		t.Fatalf("Run after Close: %v, want ErrClosed", err)
	}
}

func TestSymlinksCannotEscapeTheMounts(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("host secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	rel, err := filepath.Rel(out, secret)
	if err != nil {
		t.Fatal(err)
	}
	ex := newExecutor(t)
	for _, target := range []string{rel, secret} {
		task := fixtureTask(t, "symlink", filepath.ToSlash(target), "/outputs/link")
		task.OutputDir = out
		res, err := ex.Run(context.Background(), task)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(res.Stdout), "read") {
			t.Fatalf("the module read a host file through a symlink to %s: %q", target, res.Stdout)
		}
		if _, err := os.Lstat(filepath.Join(out, "link")); err == nil {
			t.Fatalf("the module left a symlink to %s in its outputs", target)
		}
	}
}

func TestCloseStopsRunningTasks(t *testing.T) {
	ex, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		task := moduleTask(wasmtest.Loop())
		task.Limits.Timeout = time.Minute
		_, err := ex.Run(context.Background(), task)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the run start; either way it must end in ErrClosed
	if err := ex.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Run during Close: %v, want ErrClosed", err)
	}
}
