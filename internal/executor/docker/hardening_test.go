package docker

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
)

// TestHardenedFromInside checks what a job sees of itself: user nobody,
// no capabilities, no new privileges, seccomp, only loopback, and a
// root filesystem and inputs it cannot write.
func TestHardenedFromInside(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := static("probe")
	task.InputDir = t.TempDir()
	got := probeLines(t, ex, task)

	want := map[string]string{
		"uid":        "65534",
		"gid":        "65534",
		"CapEff":     "0000000000000000",
		"CapPrm":     "0000000000000000",
		"CapBnd":     "0000000000000000",
		"NoNewPrivs": "1",
		"Seccomp":    "2",
		"interfaces": "lo",
		"writetmp":   "allowed",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"dial", "rawsocket", "writeroot", "writeinputs", "mount", "unshare", "devmem"} {
		if !strings.HasPrefix(got[k], "denied") {
			t.Errorf("%s = %q, want it denied", k, got[k])
		}
	}
	if !strings.Contains(got["writeroot"], "read-only file system") {
		t.Errorf("writing / failed for another reason than a read-only root: %s", got["writeroot"])
	}
	if _, err := os.Stat(filepath.Join(task.InputDir, "probe")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the job wrote into its input directory (stat: %v)", err)
	}
}

// TestImageUserWhenAllowed: with AllowImageUser the image's own user
// (root in the test image) runs, still without capabilities.
func TestImageUserWhenAllowed(t *testing.T) {
	t.Parallel()
	p := testPolicy()
	p.AllowImageUser = true
	ex := newExecutor(t, WithPolicy(p))
	got := probeLines(t, ex, static("probe"))
	if got["uid"] != "0" {
		t.Errorf("uid = %q, want the image's user, 0", got["uid"])
	}
	if got["CapEff"] != "0000000000000000" || got["NoNewPrivs"] != "1" {
		t.Errorf("image user got CapEff %s, NoNewPrivs %s; want no capabilities and no new privileges", got["CapEff"], got["NoNewPrivs"])
	}
	if !strings.HasPrefix(got["writeroot"], "denied") {
		t.Errorf("root user wrote to the read-only root: %s", got["writeroot"])
	}
}

// TestRunningContainerConfig inspects a running job container from the
// engine's side, then cancels the task: the container is killed and
// removed.
func TestRunningContainerConfig(t *testing.T) {
	t.Parallel()
	owner := uniqueName(t)
	ex := newExecutor(t, WithOwner(owner))
	task := shell("echo up; exec sleep 600")
	task.ID, task.JobID = "task-inspect", "job-inspect"
	task.Limits = executor.Limits{MilliCPU: 500, MemoryBytes: 64 << 20, Pids: 50, Timeout: safety}
	task.InputDir, task.OutputDir = t.TempDir(), t.TempDir()
	up := newSignalWriter("up\n")
	task.Stdout = up

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := ex.Run(ctx, task)
		done <- err
	}()
	select {
	case <-up.seen:
	case err := <-done:
		t.Fatalf("task ended before it was inspected: %v", err)
	}

	ids := ownedContainers(t, owner)
	if len(ids) != 1 {
		t.Fatalf("%d containers for the task, want 1", len(ids))
	}
	info, err := engine(t).ContainerInspect(context.Background(), ids[0], client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := info.Container
	hc := c.HostConfig
	if !c.State.Running {
		t.Fatalf("container state %+v, want running", c.State)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"user nobody", c.Config.User == NobodyUser},
		{"cap-drop ALL", slices.Contains(hc.CapDrop, "ALL") && len(hc.CapAdd) == 0},
		{"no-new-privileges", slices.Contains(hc.SecurityOpt, "no-new-privileges:true")},
		{"default seccomp", !slices.ContainsFunc(hc.SecurityOpt, func(s string) bool { return strings.Contains(s, "seccomp") })},
		{"not privileged", !hc.Privileged},
		{"read-only root", hc.ReadonlyRootfs},
		{"tmpfs /tmp bounded noexec", strings.Contains(hc.Tmpfs["/tmp"], "noexec") && strings.Contains(hc.Tmpfs["/tmp"], "size=")},
		{"network none", hc.NetworkMode == "none"},
		{"memory = memory+swap", hc.Memory == 64<<20 && hc.MemorySwap == 64<<20},
		{"half a CPU", hc.NanoCPUs == 500_000_000},
		{"pids limit", hc.PidsLimit != nil && *hc.PidsLimit == 50},
		{"nofile ulimit", len(hc.Ulimits) == 1 && hc.Ulimits[0].Name == "nofile" && hc.Ulimits[0].Hard == NofileLimit},
		{"not auto-removed", !hc.AutoRemove},
		{"two mounts only", len(c.Mounts) == 2},
		{"labels", c.Config.Labels[LabelTask] == "task-inspect" && c.Config.Labels[LabelJob] == "job-inspect" && c.Config.Labels[LabelManaged] == "true"},
	}
	for _, ck := range checks {
		if !ck.ok {
			t.Errorf("container lacks %s", ck.what)
		}
	}
	for _, m := range c.Mounts {
		switch m.Destination {
		case InputsPath:
			if m.RW {
				t.Error("/inputs is writable")
			}
		case OutputsPath:
			if !m.RW {
				t.Error("/outputs is read-only")
			}
		default:
			t.Errorf("unexpected mount %s", m.Destination)
		}
	}

	cancel()
	err = <-done
	if !errors.Is(err, executor.ErrCancelled) || errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("cancelled task: err %v, want ErrCancelled only", err)
	}
	if left := ownedContainers(t, owner); len(left) != 0 {
		t.Errorf("containers left after the task: %v", left)
	}
}

// signalWriter closes seen once what it was written contains want.
type signalWriter struct {
	want string
	buf  bytes.Buffer
	seen chan struct{}
}

func newSignalWriter(want string) *signalWriter {
	return &signalWriter{want: want, seen: make(chan struct{})}
}

// Write is called by the executor's one output goroutine.
func (w *signalWriter) Write(p []byte) (int, error) {
	already := strings.Contains(w.buf.String(), w.want)
	w.buf.Write(p)
	if !already && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
	}
	return len(p), nil
}

// waitSeen waits for w to see its text, failing the test after d.
func waitSeen(t *testing.T, w *signalWriter, d time.Duration) {
	t.Helper()
	select {
	case <-w.seen:
	case <-time.After(d):
		t.Fatalf("did not see %q", w.want)
	}
}
