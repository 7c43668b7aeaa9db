package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/opensky-network/opensky/internal/executor"
)

func TestDeviceRequests(t *testing.T) {
	if got := DeviceRequests(0); got != nil {
		t.Errorf("no GPUs: %v, want none", got)
	}
	if got := DeviceRequests(-1); got != nil {
		t.Errorf("negative GPUs: %v, want none", got)
	}
	want := []container.DeviceRequest{{Driver: "nvidia", Count: 2, Capabilities: [][]string{{"gpu"}}}}
	if got := DeviceRequests(2); !reflect.DeepEqual(got, want) {
		t.Errorf("2 GPUs: %+v, want %+v", got, want)
	}
}

func TestDetectGPUs(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if n := DetectGPUs(context.Background()); n != 0 {
		t.Errorf("without nvidia-smi: %d GPUs, want 0", n)
	}
	script := "#!/bin/sh\n[ \"$1\" = -L ] || exit 9\n" +
		"echo 'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-aaaa)'\n" +
		"echo 'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-bbbb)'\n" +
		"echo '  MIG 1g.5gb Device 0: (UUID: MIG-cccc)'\n"
	if err := os.WriteFile(filepath.Join(dir, "nvidia-smi"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if n := DetectGPUs(context.Background()); n != 2 {
		t.Errorf("nvidia-smi listing 2 GPUs: %d, want 2", n)
	}
	if err := os.WriteFile(filepath.Join(dir, "nvidia-smi"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if n := DetectGPUs(context.Background()); n != 0 {
		t.Errorf("failing nvidia-smi: %d GPUs, want 0", n)
	}
}

func TestGPUTaskGetsDeviceRequests(t *testing.T) {
	e := &Executor{}
	task := &executor.Task{ID: "gpu-task", Image: "img", Limits: executor.Limits{GPUs: 2}}
	lim, err := effectiveLimits(task, executor.Limits{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := e.containerSpec(task, lim, "sha256:abc", nil)
	got := spec.HostConfig.Resources.DeviceRequests
	if len(got) != 1 || got[0].Count != 2 || got[0].Driver != GPUDriver {
		t.Fatalf("device requests %+v, want 2 %s GPUs", got, GPUDriver)
	}
	task.Limits.GPUs = 0
	lim, _ = effectiveLimits(task, executor.Limits{}, 0)
	if reqs := e.containerSpec(task, lim, "sha256:abc", nil).HostConfig.Resources.DeviceRequests; len(reqs) != 0 {
		t.Fatalf("a task without GPUs got %+v", reqs)
	}
}

func TestNetworkOnlyWhenJobAndPolicyAllow(t *testing.T) {
	task := &executor.Task{ID: "net-task", Image: "img"}
	for _, c := range []struct {
		wants, allowed bool
		mode           string
	}{{false, false, "none"}, {false, true, "none"}, {true, true, "bridge"}} {
		task.Network = c.wants
		e := &Executor{opts: options{policy: Policy{AllowNetwork: c.allowed}}}
		lim, _ := effectiveLimits(task, executor.Limits{}, 0)
		if got := string(e.containerSpec(task, lim, "sha256:abc", nil).HostConfig.NetworkMode); got != c.mode {
			t.Errorf("job wants %t, policy allows %t: network %q, want %q", c.wants, c.allowed, got, c.mode)
		}
	}
	e := newExecutor(t)
	task = static("exit", "0")
	task.Network = true
	if _, err := e.Run(context.Background(), task); !errors.Is(err, ErrDenied) {
		t.Fatalf("a job asking for network under a policy without it: %v, want ErrDenied", err)
	}
}
