package wasm

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/executortest"
	"github.com/opensky-network/opensky/internal/wasmbuild"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// fixturePkg is the Go guest program the tests run for what needs files,
// stdin or a real language runtime.
const fixturePkg = "./internal/executor/wasm/testdata/fixture"

var fixture struct {
	once sync.Once
	bin  []byte
	err  error
}

// fixtureModule returns the compiled guest program, building it once.
func fixtureModule(t testing.TB) []byte {
	t.Helper()
	fixture.once.Do(func() {
		var p string
		if p, fixture.err = wasmbuild.Build(context.Background(), fixturePkg); fixture.err == nil {
			fixture.bin, fixture.err = os.ReadFile(p)
		}
	})
	if fixture.err != nil {
		t.Fatalf("build %s: %v", fixturePkg, fixture.err)
	}
	return fixture.bin
}

// fixtureTask runs the guest program in mode with args.
func fixtureTask(t testing.TB, mode string, args ...string) *executor.Task {
	return &executor.Task{ID: "fixture-" + mode, Module: fixtureModule(t), Args: append([]string{mode}, args...)}
}

// moduleTask runs a hand-assembled module.
func moduleTask(bin []byte) *executor.Task {
	return &executor.Task{ID: "module", Module: bin}
}

var compileCache struct {
	once sync.Once
	dir  string
}

// sharedCacheDir is one on-disk compilation cache for every executor the
// package's tests create, so that the guest program is compiled once.
func sharedCacheDir() string {
	compileCache.once.Do(func() {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		compileCache.dir = filepath.Join(base, "opensky", "wazero-test")
	})
	return compileCache.dir
}

// newExecutor returns an executor closed at the end of the test.
func newExecutor(t testing.TB, opts ...Option) *Executor {
	t.Helper()
	opts = append([]Option{WithCacheDir(sharedCacheDir())}, opts...)
	ex, err := New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ex.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

// harness is the conformance harness of this engine: the Go guest
// program where files, stdin or a language runtime matter, hand-assembled
// modules elsewhere.
func harness(t *testing.T) executortest.Harness {
	bin := fixtureModule(t)
	guest := func(mode string, args ...string) *executor.Task {
		return &executor.Task{ID: "fixture-" + mode, Module: bin, Args: append([]string{mode}, args...)}
	}
	return executortest.Harness{
		New:    func(t *testing.T) executor.Executor { return newExecutor(t) },
		Echo:   func(args ...string) *executor.Task { return guest("echo", args...) },
		Exit:   func(code int) *executor.Task { return moduleTask(wasmtest.Exit(uint32(code))) },
		Loop:   func() *executor.Task { return moduleTask(wasmtest.Loop()) },
		Alloc:  func() *executor.Task { return guest("alloc") },
		Copy:   func() *executor.Task { return guest("copy") },
		Random: func() *executor.Task { return guest("random") },
		Flood:  func() *executor.Task { return moduleTask(wasmtest.Flood(4 << 20)) },
	}
}

func TestConformance(t *testing.T) {
	executortest.Run(t, harness(t))
}
