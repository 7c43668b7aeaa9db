package docker

import (
	"fmt"
	"os"
	"strings"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
)

// validate checks the parts of a task this engine relies on.
func validate(t *executor.Task) error {
	switch {
	case t == nil:
		return fmt.Errorf("docker: nil task: %w", executor.ErrInvalidTask)
	case t.Engine != "" && t.Engine != spec.EngineDocker:
		return fmt.Errorf("docker: task %s is for engine %q: %w", t.ID, t.Engine, executor.ErrInvalidTask)
	case t.Image == "":
		return fmt.Errorf("docker: task %s has no image: %w", t.ID, executor.ErrInvalidTask)
	case t.Limits.MilliCPU < 0 || t.Limits.MemoryBytes < 0 || t.Limits.DiskBytes < 0 ||
		t.Limits.Timeout < 0 || t.Limits.OutputBytes < 0 || t.Limits.Pids < 0:
		return fmt.Errorf("docker: task %s has a negative limit: %w", t.ID, executor.ErrInvalidTask)
	}
	for k, v := range t.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			return fmt.Errorf("docker: task %s: bad environment variable %q: %w", t.ID, k, executor.ErrInvalidTask)
		}
	}
	for _, a := range append(append([]string(nil), t.Entrypoint...), t.Args...) {
		if strings.ContainsRune(a, 0) {
			return fmt.Errorf("docker: task %s: argument contains NUL: %w", t.ID, executor.ErrInvalidTask)
		}
	}
	if t.WorkingDir != "" && !strings.HasPrefix(t.WorkingDir, "/") {
		return fmt.Errorf("docker: task %s: working directory %q is not absolute: %w", t.ID, t.WorkingDir, executor.ErrInvalidTask)
	}
	for _, dir := range []string{t.InputDir, t.OutputDir} {
		if dir == "" {
			continue
		}
		if !strings.HasPrefix(dir, "/") {
			return fmt.Errorf("docker: task %s: %s is not an absolute path: %w", t.ID, dir, executor.ErrInvalidTask)
		}
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("docker: task %s: %s is not a directory: %w", t.ID, dir, executor.ErrInvalidTask)
		}
	}
	return nil
}
