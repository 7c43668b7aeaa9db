package executortest

import "testing"

// testExitCodes: any exit code is a normal end, reported in the Result.
func testExitCodes(t *testing.T, h Harness) {
	ex := h.New(t)
	for _, code := range []int{0, 1, 3, 42, 125} {
		res := mustRun(t, ex, h.Exit(code))
		if res.ExitCode != code {
			t.Errorf("Exit(%d) gave exit code %d", code, res.ExitCode)
		}
		if len(res.Stdout) != 0 || len(res.Stderr) != 0 || res.Truncated {
			t.Errorf("Exit(%d) captured stdout %q, stderr %q, truncated %t", code, res.Stdout, res.Stderr, res.Truncated)
		}
	}
}
