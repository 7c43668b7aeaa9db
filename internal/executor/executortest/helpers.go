package executortest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// safetyTimeout bounds tasks that should end by themselves, so that a
// broken engine fails a test instead of hanging it. It is never asserted.
const safetyTimeout = 2 * time.Minute

// run runs task on ex with a background context.
func run(t *testing.T, ex executor.Executor, task *executor.Task) (*executor.Result, error) {
	t.Helper()
	if task.Limits.Timeout == 0 {
		task.Limits.Timeout = safetyTimeout
	}
	return ex.Run(context.Background(), task)
}

// mustRun runs task and fails the test unless it exited without error.
func mustRun(t *testing.T, ex executor.Executor, task *executor.Task) *executor.Result {
	t.Helper()
	res, err := run(t, ex, task)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res == nil {
		t.Fatal("Run returned a nil Result and no error")
	}
	return res
}

// setEnv adds k=v to the task's environment.
func setEnv(task *executor.Task, k, v string) {
	if task.Env == nil {
		task.Env = map[string]string{}
	}
	task.Env[k] = v
}

// copyDirs makes an input directory holding in.txt and an empty output
// directory for a Copy task.
func copyDirs(t *testing.T, task *executor.Task, content string) (in, out string) {
	t.Helper()
	in, out = t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "in.txt"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	task.InputDir, task.OutputDir = in, out
	return in, out
}

// readFile returns the contents of a file, failing the test if it cannot
// be read.
func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// readFileErr returns the contents of a file, or the read error as text;
// for goroutines, which cannot stop the test.
func readFileErr(p string) string {
	data, err := os.ReadFile(p)
	if err != nil {
		return err.Error()
	}
	return string(data)
}
