package executortest

import (
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
)

// Harness gives the suite an executor and the engine's versions of the
// programs it runs. Builders return a new task each call; the suite then
// sets Env, Stdin, Limits, Seed, InputDir and OutputDir as each check needs
// (adding to Env, never replacing it).
type Harness struct {
	// New returns the executor one subtest uses. It is called once per
	// subtest; release what it holds with t.Cleanup.
	New func(t *testing.T) executor.Executor

	// Echo writes each of args to stdout followed by a newline, then the
	// value of the environment variable GREETING and a newline, then its
	// stdin verbatim; it writes "warn\n" to stderr and exits 0.
	Echo func(args ...string) *executor.Task
	// Exit writes nothing and exits with code.
	Exit func(code int) *executor.Task
	// Loop runs until stopped.
	Loop func() *executor.Task
	// Alloc allocates memory without bound, keeping all of it.
	Alloc func() *executor.Task
	// Copy reads /inputs/in.txt and writes it upper-cased to
	// /outputs/out.txt; then it tries to create /inputs/x and, when that
	// fails, writes a line to stderr and exits 0.
	Copy func() *executor.Task
	// Random writes at least 16 bytes drawn from the task's randomness to
	// stdout and exits 0.
	Random func() *executor.Task
	// Flood writes at least 4 MiB to stdout and exits 0.
	Flood func() *executor.Task
}

// Run runs the whole suite against h, one subtest per behaviour.
func Run(t *testing.T, h Harness) {
	t.Run("ExitCodes", func(t *testing.T) { testExitCodes(t, h) })
	t.Run("Stdio", func(t *testing.T) { testStdio(t, h) })
	t.Run("Files", func(t *testing.T) { testFiles(t, h) })
	t.Run("OutputBound", func(t *testing.T) { testOutputBound(t, h) })
	t.Run("MemoryLimit", func(t *testing.T) { testMemoryLimit(t, h) })
	t.Run("Timeout", func(t *testing.T) { testTimeout(t, h) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, h) })
	t.Run("Determinism", func(t *testing.T) { testDeterminism(t, h) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, h) })
}
