package executortest

import "testing"

// testStdio: arguments, environment and stdin reach the task; stdout and
// stderr come back separately, and are also streamed to the task's
// writers.
func testStdio(t *testing.T, h Harness) {
	ex := h.New(t)
	task := h.Echo("hello world", "-x", "")
	setEnv(task, "GREETING", "bonjour")
	task.Stdin = []byte("line one\nline two")
	var live, liveErr lockedBuffer
	task.Stdout, task.Stderr = &live, &liveErr

	res := mustRun(t, ex, task)
	const want = "hello world\n-x\n\nbonjour\nline one\nline two"
	if res.ExitCode != 0 {
		t.Errorf("exit code %d, stderr %q", res.ExitCode, res.Stderr)
	}
	if string(res.Stdout) != want {
		t.Errorf("stdout %q, want %q", res.Stdout, want)
	}
	if string(res.Stderr) != "warn\n" {
		t.Errorf("stderr %q, want %q", res.Stderr, "warn\n")
	}
	if res.Truncated {
		t.Error("small output marked truncated")
	}
	if live.String() != want || liveErr.String() != "warn\n" {
		t.Errorf("streamed stdout %q and stderr %q, want %q and %q", live.String(), liveErr.String(), want, "warn\n")
	}

	empty := mustRun(t, ex, h.Echo())
	if string(empty.Stdout) != "\n" {
		t.Errorf("with no args, env or stdin: stdout %q, want %q", empty.Stdout, "\n")
	}
}
