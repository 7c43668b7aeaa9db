package executortest

import (
	"errors"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
)

// testOutputBound: stdout is captured up to Limits.OutputBytes and the
// Result says it was truncated; the task itself still succeeds.
func testOutputBound(t *testing.T, h Harness) {
	ex := h.New(t)
	task := h.Flood()
	task.Limits.OutputBytes = 1000
	res := mustRun(t, ex, task)
	if res.ExitCode != 0 {
		t.Errorf("Flood exited %d", res.ExitCode)
	}
	if len(res.Stdout) != 1000 {
		t.Errorf("captured %d bytes of stdout, want the limit, 1000", len(res.Stdout))
	}
	if !res.Truncated {
		t.Error("Truncated not set")
	}

	task = h.Flood()
	res = mustRun(t, ex, task)
	if len(res.Stdout) != 1<<20 || !res.Truncated {
		t.Errorf("with the default bound: captured %d bytes, truncated %t; want 1 MiB, true", len(res.Stdout), res.Truncated)
	}
}

// testMemoryLimit: a task that allocates without bound ends in
// ErrMemoryLimit.
func testMemoryLimit(t *testing.T, h Harness) {
	ex := h.New(t)
	task := h.Alloc()
	task.Limits.MemoryBytes = 32 << 20
	res, err := run(t, ex, task)
	if !errors.Is(err, executor.ErrMemoryLimit) {
		t.Fatalf("Alloc under 32 MiB: err %v, want ErrMemoryLimit", err)
	}
	if res == nil {
		t.Fatal("no Result for a task that started")
	}
	if !res.OOMKilled {
		t.Error("OOMKilled not set")
	}
}
