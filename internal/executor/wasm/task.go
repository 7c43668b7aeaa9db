package wasm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tetratelabs/wazero"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
)

// Fixed names a module sees.
const (
	// argv0 is every module's argv[0], whatever its file was called, so
	// that replicas see identical arguments.
	argv0 = "module.wasm"
	// InputsPath and OutputsPath are where Task.InputDir and
	// Task.OutputDir appear inside the module.
	InputsPath  = "/inputs"
	OutputsPath = "/outputs"
)

// validate checks the parts of a task this engine relies on.
func validate(t *executor.Task) error {
	switch {
	case t == nil:
		return fmt.Errorf("wasm: nil task: %w", executor.ErrInvalidTask)
	case t.Engine != "" && t.Engine != spec.EngineWasm:
		return fmt.Errorf("wasm: task %s is for engine %q: %w", t.ID, t.Engine, executor.ErrInvalidTask)
	case len(t.Module) == 0:
		return fmt.Errorf("wasm: task %s has no module: %w", t.ID, executor.ErrInvalidTask)
	case t.Limits.Timeout < 0 || t.Limits.MemoryBytes < 0 || t.Limits.DiskBytes < 0 || t.Limits.OutputBytes < 0:
		return fmt.Errorf("wasm: task %s has a negative limit: %w", t.ID, executor.ErrInvalidTask)
	}
	for k, v := range t.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			return fmt.Errorf("wasm: task %s: bad environment variable %q: %w", t.ID, k, executor.ErrInvalidTask)
		}
	}
	for _, a := range t.Args {
		if strings.ContainsRune(a, 0) {
			return fmt.Errorf("wasm: task %s: argument contains NUL: %w", t.ID, executor.ErrInvalidTask)
		}
	}
	for _, dir := range []string{t.InputDir, t.OutputDir} {
		if dir == "" {
			continue
		}
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("wasm: task %s: %s is not a directory: %w", t.ID, dir, executor.ErrInvalidTask)
		}
	}
	return nil
}

// moduleKey is the cache key of the task's module: its ModuleHash, or the
// hash of its bytes when it has none.
func moduleKey(t *executor.Task) string {
	if t.ModuleHash != "" {
		return t.ModuleHash
	}
	return hashModule(t.Module)
}

// hashModule returns the "sha256:<hex>" reference of a module.
func hashModule(bin []byte) string {
	sum := sha256.Sum256(bin)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// moduleConfig is what one run of t sees: arguments, environment, stdio,
// seeded randomness and the two directory mounts. Clocks are left at
// wazero's deterministic fakes.
func moduleConfig(t *executor.Task, stdout, stderr io.Writer) wazero.ModuleConfig {
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(). // _start is called by run, after instantiation
		WithArgs(append([]string{argv0}, t.Args...)...).
		WithStdin(bytes.NewReader(t.Stdin)).
		WithStdout(stdout).
		WithStderr(stderr).
		WithRandSource(randSource(t.Seed))
	for _, kv := range executor.Environ(t) {
		k, v, _ := strings.Cut(kv, "=")
		cfg = cfg.WithEnv(k, v)
	}
	return cfg.WithFSConfig(mounts(t.InputDir, t.OutputDir))
}
