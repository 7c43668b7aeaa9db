package executortest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
)

// testFiles: /inputs is readable but not writable, /outputs is collected,
// and the disk limit applies to what the task leaves there.
func testFiles(t *testing.T, h Harness) {
	ex := h.New(t)
	task := h.Copy()
	in, out := copyDirs(t, task, "make me loud\n")

	res := mustRun(t, ex, task)
	if res.ExitCode != 0 {
		t.Fatalf("Copy exited %d, stderr %q", res.ExitCode, res.Stderr)
	}
	if got := readFile(t, filepath.Join(out, "out.txt")); got != "MAKE ME LOUD\n" {
		t.Errorf("out.txt is %q, want %q", got, "MAKE ME LOUD\n")
	}
	if len(res.Stderr) == 0 {
		t.Error("the failed write to /inputs was not reported on stderr")
	}
	if _, err := os.Stat(filepath.Join(in, "x")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the task created a file in its input directory (stat: %v)", err)
	}
	if got := readFile(t, filepath.Join(in, "in.txt")); got != "make me loud\n" {
		t.Errorf("in.txt changed to %q", got)
	}

	t.Run("DiskLimit", func(t *testing.T) {
		task := h.Copy()
		copyDirs(t, task, "0123456789abcdef")
		task.Limits.DiskBytes = 8
		_, err := run(t, ex, task)
		if !errors.Is(err, executor.ErrOutputLimit) {
			t.Fatalf("16 bytes of outputs under an 8 byte limit: err %v, want ErrOutputLimit", err)
		}
	})
}
