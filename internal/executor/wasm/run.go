package wasm

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"

	"github.com/opensky-network/opensky/internal/executor"
)

// Run runs the task's module to completion under its limits; see
// executor.Executor for the contract.
func (e *Executor) Run(ctx context.Context, t *executor.Task) (*executor.Result, error) {
	if e.closed.Load() {
		return nil, ErrClosed
	}
	if err := validate(t); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, cancelled(ctx, t)
	}
	key := moduleKey(t)
	m, err := e.modules.acquire(ctx, key, func() (*compiledModule, error) { return e.compile(ctx, t, key) })
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, cancelled(ctx, t)
		case e.closed.Load():
			return nil, ErrClosed
		}
		return nil, err
	}
	defer e.modules.release(m)

	mem := newCappedMemory(t.Limits.MemoryBytes)
	if m.compiled.minMemory > mem.limit {
		return nil, fmt.Errorf("wasm: task %s: module needs %d bytes of memory to start, the limit is %d: %w",
			t.ID, m.compiled.minMemory, mem.limit, executor.ErrMemoryLimit)
	}
	return e.run(ctx, t, m.compiled, mem)
}

// run instantiates the module, calls _start and turns how it ended into a
// Result and an error.
func (e *Executor) run(ctx context.Context, t *executor.Task, c *compiledModule, mem *cappedMemory) (*executor.Result, error) {
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if t.Limits.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, t.Limits.Timeout)
	}
	defer cancel()

	stdout := executor.NewBoundedOutput(t.Limits.OutputBytes, t.Stdout, "stdout", e.opts.logger)
	stderr := executor.NewBoundedOutput(t.Limits.OutputBytes, t.Stderr, "stderr", e.opts.logger)
	cfg := moduleConfig(t, stdout, stderr)

	start := time.Now()
	started, runErr := e.call(experimental.WithMemoryAllocator(runCtx, mem.allocator()), c, cfg, mem)
	wall := time.Since(start)

	res := &executor.Result{
		Stdout:    stdout.Bytes(),
		Stderr:    stderr.Bytes(),
		Truncated: stdout.Truncated() || stderr.Truncated(),
		Usage: executor.Usage{
			WallTime: wall,
			// A module runs on a single goroutine and never waits on
			// anything but the CPU (no real sleeps, stdin is in memory),
			// so its CPU time is its wall time.
			CPUTime:    wall,
			PeakMemory: mem.peak,
		},
	}
	var err error
	if runErr != nil && e.closed.Load() {
		// Close stopped the module; its exit status means nothing.
		err = fmt.Errorf("wasm: task %s: %w: %w", t.ID, executor.ErrCancelled, ErrClosed)
	} else {
		err = e.outcome(ctx, runCtx, t, mem, started, runErr, res)
	}
	if err == nil {
		err = checkDisk(t)
	}
	e.opts.logger.Debug("task ended", "task", t.ID, "exit", res.ExitCode, "wall", wall, "memory", mem.peak, "err", err)
	if !started && err != nil {
		return nil, err
	}
	return res, err
}

// call instantiates c and calls its _start. started reports whether
// instantiation succeeded.
func (e *Executor) call(ctx context.Context, c *compiledModule, cfg wazero.ModuleConfig, mem *cappedMemory) (started bool, err error) {
	defer func() {
		// The allocator refusing a module's initial memory makes wazero
		// panic; Run checks the declared minimum first, so this is only a
		// guard.
		if r := recover(); r != nil {
			if !mem.refused {
				panic(r)
			}
			started, err = false, fmt.Errorf("instantiate: %v", r)
		}
	}()
	mod, err := e.runtime.InstantiateModule(ctx, c.CompiledModule, cfg)
	if err != nil {
		return false, err
	}
	defer mod.Close(context.WithoutCancel(ctx))
	_, err = mod.ExportedFunction("_start").Call(ctx)
	return true, err
}

// outcome sets res.ExitCode and returns the error for how the run ended:
// a context that ended first wins, then a refused memory growth, then the
// module's own exit or trap.
func (e *Executor) outcome(parent, runCtx context.Context, t *executor.Task, mem *cappedMemory, started bool, runErr error, res *executor.Result) error {
	var exit *sys.ExitError
	isExit := errors.As(runErr, &exit)
	switch {
	case runErr == nil || (isExit && exit.ExitCode() == 0):
		return nil
	case parent.Err() != nil:
		return cancelled(parent, t)
	case runCtx.Err() != nil:
		return fmt.Errorf("wasm: task %s ran longer than %s: %w", t.ID, t.Limits.Timeout, executor.ErrTimeout)
	}
	if isExit {
		res.ExitCode = int(exit.ExitCode())
	}
	switch {
	case mem.refused:
		res.OOMKilled = true
		return fmt.Errorf("wasm: task %s needed more than %d bytes of memory: %w (%w)",
			t.ID, mem.limit, executor.ErrMemoryLimit, runErr)
	case isExit:
		return nil
	case !started:
		return fmt.Errorf("wasm: task %s: %w: %w", t.ID, executor.ErrInvalidModule, runErr)
	default:
		return fmt.Errorf("wasm: task %s: %w: %w", t.ID, executor.ErrTrap, runErr)
	}
}

// cancelled is the error of a task whose caller's context ended.
func cancelled(ctx context.Context, t *executor.Task) error {
	return fmt.Errorf("wasm: task %s: %w: %w", t.ID, executor.ErrCancelled, context.Cause(ctx))
}

// checkDisk enforces Limits.DiskBytes on what the task left in OutputDir.
func checkDisk(t *executor.Task) error {
	if t.Limits.DiskBytes <= 0 || t.OutputDir == "" {
		return nil
	}
	n, err := dirSize(t.OutputDir)
	if err != nil {
		return fmt.Errorf("wasm: task %s: measure outputs: %w", t.ID, err)
	}
	if n > t.Limits.DiskBytes {
		return fmt.Errorf("wasm: task %s wrote %d bytes of outputs, the limit is %d: %w",
			t.ID, n, t.Limits.DiskBytes, executor.ErrOutputLimit)
	}
	return nil
}
