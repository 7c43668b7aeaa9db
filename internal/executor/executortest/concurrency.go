package executortest

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// parallelTasks is how many tasks run at once on one executor.
const parallelTasks = 8

// testConcurrency: tasks running at the same time on one executor each
// get their own arguments, stdout and files.
func testConcurrency(t *testing.T, h Harness) {
	ex := h.New(t)
	var wg sync.WaitGroup
	for i := range parallelTasks {
		echo := h.Echo(fmt.Sprintf("task-%d", i))
		setEnv(echo, "GREETING", fmt.Sprintf("hi-%d", i))
		cp := h.Copy()
		_, out := copyDirs(t, cp, fmt.Sprintf("content of task %d\n", i))
		wg.Go(func() {
			res, err := run(t, ex, echo)
			if err != nil {
				t.Errorf("echo %d: %v", i, err)
				return
			}
			if want := fmt.Sprintf("task-%d\nhi-%d\n", i, i); string(res.Stdout) != want {
				t.Errorf("echo %d: stdout %q, want %q", i, res.Stdout, want)
			}
		})
		wg.Go(func() {
			res, err := run(t, ex, cp)
			if err != nil {
				t.Errorf("copy %d: %v", i, err)
				return
			}
			if res.ExitCode != 0 {
				t.Errorf("copy %d: exit %d, stderr %q", i, res.ExitCode, res.Stderr)
				return
			}
			got := readFileErr(filepath.Join(out, "out.txt"))
			if want := strings.ToUpper(fmt.Sprintf("content of task %d\n", i)); got != want {
				t.Errorf("copy %d: out.txt %q, want %q", i, got, want)
			}
		})
	}
	wg.Wait()
}
