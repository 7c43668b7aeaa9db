package devnet

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/node"
	"github.com/opensky-network/opensky/internal/spec"
)

// TestContainerJobEndToEnd runs container jobs through the whole network
// on providers that offer the Docker engine: inputs are mounted, outputs
// come back, the exit code and a timeout are reported, and a denied image
// never runs.
func TestContainerJobEndToEnd(t *testing.T) {
	net := startDockerNet(t, 2, []string{"wasm", "docker"}, func(p *config.Provider) { p.Docker.DenyImages = []string{dockertest.BusyboxImage} })
	o := net.Gateway.Orchestrator
	job := func(image string, args ...string) spec.Job {
		return spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineDocker, Image: image, Args: args,
			Resources: spec.Resources{CPU: 500, Memory: 128 << 20, Timeout: spec.Duration(time.Minute)}}
	}

	s := job(dockertest.StaticImage, "copy")
	s.Inputs = []spec.Input{{Name: "in.txt", Content: "open sky"}}
	j := run(t, o, s)
	if j.Phase != api.PhaseCompleted || j.ExitCode != 0 {
		t.Fatalf("copy job ended %s/%d (%s: %s)", j.Phase, j.ExitCode, j.ErrorCode, j.Reason)
	}
	if got := string(readOutput(t, o, j.ID, 0, "out.txt")); got != "OPEN SKY" {
		t.Fatalf("out.txt = %q, want the upper-cased input", got)
	}
	if j.Tasks[0].Receipt == nil || j.Tasks[0].WallMs == 0 {
		t.Errorf("no receipt or usage: %+v", j.Tasks[0])
	}

	if j := run(t, o, job(dockertest.StaticImage, "exit", "7")); j.Phase != api.PhaseCompleted || j.ExitCode != 7 {
		t.Errorf("exit job ended %s/%d: %s", j.Phase, j.ExitCode, j.Reason)
	}

	loop := job(dockertest.StaticImage, "loop")
	loop.Resources.Timeout = spec.Duration(2 * time.Second)
	if j := run(t, o, loop); j.Phase != api.PhaseFailed || j.ErrorCode != "timeout" {
		t.Errorf("loop job ended %s/%s: %s", j.Phase, j.ErrorCode, j.Reason)
	}

	denied := job(dockertest.BusyboxImage, "true")
	denied.Resources.Timeout = spec.Duration(time.Minute)
	if j := run(t, o, denied); j.Phase != api.PhaseFailed || j.ErrorCode != "policy_denied" {
		t.Errorf("denied image ended %s/%s: %s", j.Phase, j.ErrorCode, j.Reason)
	}
}

// TestProviderRestartMidContainerJob crashes a provider while its container
// runs and starts it again on the same data: the lost attempt is closed as
// provider_lost (the task is rescheduled, and a provider that lost it is
// not offered it again), the orphaned container is removed, and the job,
// which has nowhere else to go, ends in a definite state when cancelled.
func TestProviderRestartMidContainerJob(t *testing.T) {
	net := startDockerNet(t, 1, []string{"docker"}, nil)
	o := net.Gateway.Orchestrator
	s := spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineDocker, Image: dockertest.StaticImage, Args: []string{"loop"},
		Resources: spec.Resources{CPU: 500, Memory: 128 << 20, Timeout: spec.Duration(10 * time.Minute)}}
	j, err := o.SubmitJob(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, o, j.ID, api.PhaseRunning)
	eventually(t, "the job's container runs", func() bool { return len(containersOf(t, j.ID)) == 1 })

	// A crash: the network goes, the container is left behind.
	old := net.Providers[0]
	cfg := old.Config()
	old.Host.Close()
	if old.Shards != nil {
		old.Shards.Close() // a dead process holds no lock on its shard store
	}
	restarted, err := node.Start(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	defer old.Close()

	eventually(t, "the lost attempt is closed as provider_lost", func() bool {
		rec, err := o.GetJob(context.Background(), j.ID)
		if err != nil || len(rec.Tasks) == 0 {
			return false
		}
		for _, a := range rec.Tasks[0].History {
			if a.ErrorCode == "provider_lost" && !a.EndedAt.IsZero() {
				return true
			}
		}
		return false
	})
	eventually(t, "the orphaned container is removed", func() bool { return len(containersOf(t, j.ID)) == 0 })
	if _, err := o.CancelJob(context.Background(), j.ID, "no other provider"); err != nil {
		t.Fatal(err)
	}
	if end := wait(t, o, j.ID); end.Phase != api.PhaseCancelled {
		t.Fatalf("ended %s/%s: %s", end.Phase, end.ErrorCode, end.Reason)
	}
}

// containersOf lists the engine's containers (running or not) of a job.
func containersOf(t *testing.T, jobID string) []string {
	out, err := exec.Command("docker", "ps", "-a", "-q", "--filter", "label=opensky.job="+jobID).Output()
	if err != nil {
		t.Fatalf("docker ps: %v", err)
	}
	return strings.Fields(string(out))
}

// TestLiveOutputOfARunningContainer sees a container's output while it
// still runs.
func TestLiveOutputOfARunningContainer(t *testing.T) {
	net := startDockerNet(t, 1, []string{"docker"}, nil)
	o := net.Gateway.Orchestrator
	s := spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineDocker, Image: dockertest.BusyboxImage,
		Entrypoint: []string{"/bin/sh", "-c"}, Args: []string{"echo first line; sleep 120"},
		Resources: spec.Resources{CPU: 500, Memory: 64 << 20, Timeout: spec.Duration(5 * time.Minute)}}
	j, err := o.SubmitJob(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the running container's output is visible", func() bool {
		logs, err := o.JobLogs(context.Background(), j.ID)
		return err == nil && len(logs.Tasks) == 1 && logs.Tasks[0].Partial && logs.Tasks[0].Stdout == "first line\n"
	})
	if rec, _ := o.GetJob(context.Background(), j.ID); rec.Phase != api.PhaseRunning {
		t.Fatalf("job is %s, want still running", rec.Phase)
	}
	if _, err := o.CancelJob(context.Background(), j.ID, "seen enough"); err != nil {
		t.Fatal(err)
	}
}

// TestStateVolumeOutlivesTheJob keeps a value in /state from one container
// job to the next on the same provider.
func TestStateVolumeOutlivesTheJob(t *testing.T) {
	net := startDockerNet(t, 1, []string{"docker"}, nil)
	o := net.Gateway.Orchestrator
	sh := func(script, state string) spec.Job {
		return spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineDocker, Image: dockertest.BusyboxImage,
			Entrypoint: []string{"/bin/sh", "-c"}, Args: []string{script}, State: state,
			Resources: spec.Resources{CPU: 500, Memory: 64 << 20, Timeout: spec.Duration(time.Minute)}}
	}
	if j := run(t, o, sh("echo 41 > /state/n", "counter")); j.Phase != api.PhaseCompleted || j.ExitCode != 0 {
		t.Fatalf("first job ended %s/%d: %s", j.Phase, j.ExitCode, j.Reason)
	}
	j := run(t, o, sh("echo $(( $(cat /state/n) + 1 )) > /outputs/n", "counter"))
	if j.Phase != api.PhaseCompleted || j.ExitCode != 0 {
		t.Fatalf("second job ended %s/%d: %s", j.Phase, j.ExitCode, j.Reason)
	}
	if got := strings.TrimSpace(string(readOutput(t, o, j.ID, 0, "n"))); got != "42" {
		t.Fatalf("second job computed %q from the state, want 42", got)
	}
	if j := run(t, o, sh("test ! -e /state/n", "other")); j.ExitCode != 0 {
		t.Fatalf("another state name saw the first volume's file")
	}
}

// startDockerNet builds the test images and starts a network of n
// providers offering engines; more, when set, adjusts each provider.
func startDockerNet(t *testing.T, n int, engines []string, more func(p *config.Provider)) *Network {
	t.Helper()
	if err := dockertest.EnsureImages(context.Background()); err != nil {
		t.Fatal(err)
	}
	return startNet(t, n, func(o *Options) {
		inner := o.Provider
		o.Provider = func(i int, p *config.Provider) {
			inner(i, p)
			p.Engines = engines
			if more != nil {
				more(p)
			}
		}
	})
}
