package wasm

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
)

var (
	_ executor.Executor = (*Executor)(nil)
	_ executor.Closer   = (*Executor)(nil)
)

// ErrClosed is returned by Run after Close.
var ErrClosed = errors.New("wasm executor closed")

// Executor runs WebAssembly tasks. It is safe for concurrent use; Close
// it when done.
type Executor struct {
	opts    options
	cache   wazero.CompilationCache
	runtime wazero.Runtime
	modules *moduleCache
	closed  atomic.Bool
}

// New returns an Executor with one wazero runtime (WASI preview 1
// installed, runs closed when their context is done) backed by a
// compilation cache, on disk when WithCacheDir is given.
func New(ctx context.Context, opts ...Option) (*Executor, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	cache := wazero.NewCompilationCache()
	if o.cacheDir != "" {
		var err error
		if cache, err = wazero.NewCompilationCacheWithDir(o.cacheDir); err != nil {
			return nil, fmt.Errorf("wasm: compilation cache %s: %w", o.cacheDir, err)
		}
	}
	cfg := wazero.NewRuntimeConfig().
		WithCompilationCache(cache).
		WithCloseOnContextDone(true)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		_ = cache.Close(ctx)
		return nil, fmt.Errorf("wasm: install WASI: %w", err)
	}
	e := &Executor{opts: o, cache: cache, runtime: rt}
	e.modules = newModuleCache(o.maxModules, func(m *compiledModule) {
		if err := m.Close(context.Background()); err != nil {
			o.logger.Warn("close compiled module", "err", err)
		}
	})
	return e, nil
}

// Engine returns spec.EngineWasm.
func (e *Executor) Engine() spec.Engine { return spec.EngineWasm }

// Close stops every running task, drops compiled modules and closes the
// compilation cache (the on-disk copy stays).
func (e *Executor) Close(ctx context.Context) error {
	if !e.closed.CompareAndSwap(false, true) {
		return nil
	}
	return errors.Join(e.runtime.Close(ctx), e.cache.Close(ctx))
}
