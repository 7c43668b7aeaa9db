package wasm

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/opensky-network/opensky/internal/executor"
)

// compiledModule is a module ready to instantiate, with what Run checks
// before instantiating it.
type compiledModule struct {
	wazero.CompiledModule
	// minMemory is the memory, in bytes, the module needs to start.
	minMemory uint64
}

// compile validates and compiles the task's module. The module must be a
// WASI command: it exports _start and imports nothing but WASI preview 1
// functions. A ModuleHash must match the bytes.
func (e *Executor) compile(ctx context.Context, t *executor.Task, key string) (*compiledModule, error) {
	if t.ModuleHash != "" {
		if got := hashModule(t.Module); got != t.ModuleHash {
			return nil, fmt.Errorf("wasm: task %s: module hash is %s, the task says %s: %w",
				t.ID, got, t.ModuleHash, executor.ErrInvalidTask)
		}
	}
	start := time.Now()
	c, err := e.runtime.CompileModule(ctx, t.Module)
	if err != nil {
		return nil, fmt.Errorf("wasm: compile %s: %w: %w", key, executor.ErrInvalidModule, err)
	}
	if err := checkCommand(c); err != nil {
		_ = c.Close(ctx)
		return nil, fmt.Errorf("wasm: module %s: %w", key, err)
	}
	m := &compiledModule{CompiledModule: c}
	if pages, ok := declaredMinPages(t.Module); ok {
		m.minMemory = uint64(pages) * pageSize
	}
	e.opts.logger.Debug("compiled module", "module", key, "bytes", len(t.Module), "took", time.Since(start))
	return m, nil
}

// checkCommand rejects modules that cannot run as a WASI command here.
func checkCommand(c wazero.CompiledModule) error {
	if _, ok := c.ExportedFunctions()["_start"]; !ok {
		return fmt.Errorf("no _start export: %w", executor.ErrInvalidModule)
	}
	for _, f := range c.ImportedFunctions() {
		if mod, name, _ := f.Import(); mod != wasi_snapshot_preview1.ModuleName {
			return fmt.Errorf("imports %s.%s; only %s is available: %w",
				mod, name, wasi_snapshot_preview1.ModuleName, executor.ErrInvalidModule)
		}
	}
	if len(c.ImportedMemories()) > 0 {
		return fmt.Errorf("imports its memory: %w", executor.ErrInvalidModule)
	}
	return nil
}
