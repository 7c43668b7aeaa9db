package executortest

import (
	"bytes"
	"testing"

	"github.com/opensky-network/opensky/internal/verify"
)

// determinismRuns is how many times the same task is run.
const determinismRuns = 100

// testDeterminism: the same task with the same seed always commits to the
// same output root; another seed gives other random bytes.
func testDeterminism(t *testing.T, h Harness) {
	ex := h.New(t)
	const seed = 0x0b5e55ed
	var first string
	var firstOut []byte
	for i := range determinismRuns {
		task := h.Random()
		task.Seed = seed
		task.OutputDir = t.TempDir()
		res := mustRun(t, ex, task)
		root, err := verify.TaskRoot(task.OutputDir, res.ExitCode, res.Stdout, res.Stderr)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first, firstOut = root.String(), res.Stdout
			if len(res.Stdout) < 16 {
				t.Fatalf("Random printed %d bytes, want at least 16", len(res.Stdout))
			}
			continue
		}
		if root.String() != first {
			t.Fatalf("run %d: root %s, run 0: %s (stdout %q vs %q)", i, root, first, res.Stdout, firstOut)
		}
	}

	task := h.Random()
	task.Seed = seed + 1
	res := mustRun(t, ex, task)
	if bytes.Equal(res.Stdout, firstOut) {
		t.Fatalf("seeds %d and %d gave the same random output %q", seed, seed+1, res.Stdout)
	}
}
