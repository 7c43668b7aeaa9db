package docker

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// TestHostileSuite runs attacks each in its own container, some at once,
// and checks that each was contained, that a sentinel file on the host is
// untouched, that nothing of the jobs is left, and that the executor still
// runs an ordinary job afterwards.
func TestHostileSuite(t *testing.T) {
	ex := newExecutor(t)
	sentinel := filepath.Join(t.TempDir(), "sentinel")
	if err := os.WriteFile(sentinel, []byte("host data"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(task *executor.Task, timeout time.Duration) (*executor.Result, error) {
		task.ID = uniqueName(t)
		task.Limits.Timeout = timeout
		if task.Limits.MemoryBytes == 0 {
			task.Limits.MemoryBytes = 64 << 20
		}
		task.OutputDir = t.TempDir()
		return ex.Run(context.Background(), task)
	}

	t.Run("setuid gains nothing", func(t *testing.T) {
		res, err := run(shell(`cp /bin/busybox /outputs/busybox && chmod 4755 /outputs/busybox && ls -l /outputs/busybox && /outputs/busybox id -u; grep NoNewPrivs /proc/self/status`), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		out := string(res.Stdout)
		if !strings.Contains(out, "65534") || !strings.Contains(out, "NoNewPrivs:\t1") {
			t.Fatalf("setuid attempt printed %q, stderr %q", out, res.Stderr)
		}
	})

	t.Run("writes outside outputs fail", func(t *testing.T) {
		res, err := run(shell(`for f in /x /etc/passwd /inputs/x /bin/sh; do (echo pwned > $f) 2>/dev/null && echo "WROTE $f"; done; echo done`), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(res.Stdout), "WROTE") || !strings.Contains(string(res.Stdout), "done") {
			t.Fatalf("writes outside /outputs: %q", res.Stdout)
		}
	})

	t.Run("tmp cannot fill the disk", func(t *testing.T) {
		task := shell(`dd if=/dev/zero of=/tmp/fill bs=1048576 count=256 2>&1; echo "exit $?"`)
		task.Limits.MemoryBytes = 512 << 20 // so that the tmpfs bound, not memory, stops it
		res, err := run(task, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(res.Stdout), "No space left") {
			t.Fatalf("filling /tmp: %q", res.Stdout)
		}
	})

	t.Run("sleeping past the deadline", func(t *testing.T) {
		if _, err := run(shell(`sleep 3600`), 2*time.Second); !errors.Is(err, executor.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
	})

	t.Run("two hostile jobs cannot see each other", func(t *testing.T) {
		secret := "secret-" + uniqueName(t)
		var wg sync.WaitGroup
		var aErr error
		wg.Go(func() {
			// A keeps a secret in its outputs and a process running, while a
			// fork bomb presses on the pids limit.
			_, aErr = run(shell(`echo `+secret+` > /outputs/`+secret+`; (while :; do sh -c ':' & done) 2>/dev/null & sleep 8; echo end`), 20*time.Second)
		})
		time.Sleep(time.Second)
		res, err := run(shell(`find / -xdev -name 'secret-*' 2>/dev/null; grep -rl `+secret+` /proc/*/root/outputs 2>/dev/null; ls /proc | grep -c '^[0-9]'`), time.Minute)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if aErr != nil && !errors.Is(aErr, executor.ErrTimeout) {
			t.Logf("job A ended with %v", aErr)
		}
		if bytes.Contains(res.Stdout, []byte(secret)) {
			t.Fatalf("job B found job A's secret: %q", res.Stdout)
		}
		fields := strings.Fields(string(res.Stdout))
		if len(fields) == 0 || len(fields[len(fields)-1]) > 2 {
			t.Fatalf("job B sees many processes (another job's?): %q", res.Stdout)
		}
	})

	if got, err := os.ReadFile(sentinel); err != nil || string(got) != "host data" {
		t.Fatalf("sentinel changed: %q, %v", got, err)
	}
	if fi, _ := os.Stat(sentinel); fi.Mode().Perm() != 0o600 {
		t.Fatalf("sentinel mode changed: %v", fi.Mode())
	}
	if res, err := run(static("exit", "0"), time.Minute); err != nil || res.ExitCode != 0 {
		t.Fatalf("an ordinary job after the attacks: %v %v", res, err)
	}
	eventually(t, func() bool { return len(ownedContainers(t, ex.opts.owner)) == 0 })
}

func eventually(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("containers of the attacks were left behind")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
