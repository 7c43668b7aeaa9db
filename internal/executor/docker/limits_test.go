package docker

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// TestPidsLimit: a shell starting background processes without end is
// refused new ones at the pids limit, and the job ends.
func TestPidsLimit(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := shell(`i=0; while :; do sleep 600 & i=$((i+1)); echo $i; done`)
	task.Limits.Pids = 20
	res, err := ex.Run(context.Background(), task)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ExitCode == 0 {
		t.Error("the shell exited 0 although it could not fork")
	}
	if !strings.Contains(string(res.Stderr), "can't fork") {
		t.Errorf("stderr %q, want a fork failure", res.Stderr)
	}
	lines := strings.Fields(string(res.Stdout))
	if len(lines) == 0 {
		t.Fatal("no process was started")
	}
	last, err := strconv.Atoi(lines[len(lines)-1])
	if err != nil {
		t.Fatal(err)
	}
	if last >= 20 {
		t.Errorf("%d background processes started under a limit of 20", last)
	}
}

// TestForkBomb: a fork bomb stays inside its pids limit, ends by its
// deadline at the latest, and the engine runs the next job normally.
func TestForkBomb(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := shell(`bomb() { bomb | bomb & }; bomb; wait; sleep 600`)
	task.Limits.Pids = 64
	task.Limits.Timeout = 3 * time.Second
	if _, err := ex.Run(context.Background(), task); err != nil && !errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("fork bomb: %v", err)
	}
	res, err := ex.Run(context.Background(), static("echo", "still fine"))
	if err != nil || string(res.Stdout) != "still fine\n\n" {
		t.Fatalf("job after the fork bomb: %v, stdout %q", err, res.Stdout)
	}
}

// TestMemoryLimitKills: a job allocating without bound is OOM-killed by
// the kernel (exit 137), reported as such, and its container removed.
func TestMemoryLimitKills(t *testing.T) {
	t.Parallel()
	owner := uniqueName(t)
	ex := newExecutor(t, WithOwner(owner))
	task := static("alloc")
	task.Limits.MemoryBytes = 24 << 20
	res, err := ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrMemoryLimit) {
		t.Fatalf("err %v, want ErrMemoryLimit", err)
	}
	if !res.OOMKilled || res.ExitCode != 137 {
		t.Errorf("OOMKilled %t, exit %d; want true, 137", res.OOMKilled, res.ExitCode)
	}
	if left := ownedContainers(t, owner); len(left) != 0 {
		t.Errorf("containers left: %v", left)
	}
}

// TestTimeoutKills: a job past its deadline is killed with SIGKILL, its
// output so far is returned and its container removed.
func TestTimeoutKills(t *testing.T) {
	t.Parallel()
	owner := uniqueName(t)
	ex := newExecutor(t, WithOwner(owner))
	task := shell("echo started; exec sleep 600")
	task.Limits.Timeout = time.Second
	res, err := ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	if res == nil || string(res.Stdout) != "started\n" || res.ExitCode != 137 {
		t.Fatalf("result %+v, want the output so far and exit 137", res)
	}
	if left := ownedContainers(t, owner); len(left) != 0 {
		t.Errorf("containers left: %v", left)
	}
}

// TestOutputsWatchedWhileRunning: a job writing its outputs without end
// is stopped for its disk limit, not left to run to its deadline.
func TestOutputsWatchedWhileRunning(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := shell(`while :; do dd if=/dev/zero bs=64k count=16 2>/dev/null >> /outputs/grow; sleep 0.05; done`)
	task.OutputDir = t.TempDir()
	task.Limits.DiskBytes = 4 << 20
	_, err := ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrOutputLimit) || errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("err %v, want ErrOutputLimit", err)
	}
	n, err := dirSize(task.OutputDir)
	if err != nil {
		t.Fatal(err)
	}
	if n <= 4<<20 {
		t.Errorf("outputs hold %d bytes, not over the limit that stopped the job", n)
	}
}

// TestUsageMeasured: a job spinning on a fifth of a CPU reports CPU time
// and memory use, and its CPU time shows the quota.
func TestUsageMeasured(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := static("spin", "1500ms")
	task.Limits.MilliCPU = 200
	res, err := ex.Run(context.Background(), task)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("spin: %v, %+v", err, res)
	}
	u := res.Usage
	if u.CPUTime <= 0 || u.PeakMemory <= 0 || u.WallTime <= 0 {
		t.Errorf("usage %+v, want CPU time, peak memory and wall time measured", u)
	}
	if u.CPUTime > u.WallTime/2 {
		t.Errorf("CPU time %s in %s of wall time under a fifth of a CPU", u.CPUTime, u.WallTime)
	}
}

// TestMaxContainers: with one slot, a second task waits until the first
// one's container is gone, and gives up when its context ends.
func TestMaxContainers(t *testing.T) {
	t.Parallel()
	p := testPolicy()
	p.MaxContainers = 1
	owner := uniqueName(t)
	ex := newExecutor(t, WithPolicy(p), WithOwner(owner))

	first := shell("echo up; exec sleep 600")
	up := newSignalWriter("up\n")
	first.Stdout = up
	ctx1, cancel1 := context.WithCancel(context.Background())
	defer cancel1()
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = ex.Run(ctx1, first) })
	waitSeen(t, up, safety)

	ctx2, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	if _, err := ex.Run(ctx2, static("echo", "queued")); !errors.Is(err, executor.ErrCancelled) {
		t.Fatalf("second task with the slot taken: err %v, want ErrCancelled", err)
	}
	if n := len(ownedContainers(t, owner)); n != 1 {
		t.Errorf("%d containers while the slot was taken, want 1", n)
	}

	second := make(chan *executor.Result, 1)
	wg.Go(func() {
		res, err := ex.Run(context.Background(), static("echo", "second"))
		if err != nil {
			t.Errorf("second task: %v", err)
		}
		second <- res
	})
	cancel1()
	wg.Wait()
	if res := <-second; res == nil || string(res.Stdout) != "second\n\n" {
		t.Errorf("second task result %+v", res)
	}
}

// TestCloseStopsRunningTasks: Close kills what runs and removes it.
func TestCloseStopsRunningTasks(t *testing.T) {
	t.Parallel()
	owner := uniqueName(t)
	ex := newExecutor(t, WithOwner(owner))
	task := shell("echo up; exec sleep 600")
	up := newSignalWriter("up\n")
	task.Stdout = up
	done := make(chan error, 1)
	go func() {
		_, err := ex.Run(context.Background(), task)
		done <- err
	}()
	waitSeen(t, up, safety)
	if err := ex.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) || !errors.Is(err, executor.ErrCancelled) {
		t.Errorf("running task after Close: err %v, want ErrClosed and ErrCancelled", err)
	}
	if left := ownedContainers(t, owner); len(left) != 0 {
		t.Errorf("containers left: %v", left)
	}
	if _, err := ex.Run(context.Background(), static("echo")); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close: err %v, want ErrClosed", err)
	}
}
