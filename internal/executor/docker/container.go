package docker

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
)

// EnvSeed is the environment variable holding Task.Seed in decimal; a job
// seeds its randomness from it so that replicas are comparable.
const EnvSeed = "OPENSKY_SEED"

// Hostname is the host name of every job container, the same for all
// replicas.
const Hostname = "opensky"

// containerSpec is the hardened container a task runs in:
//
//   - no capabilities, no new privileges, the engine's default seccomp
//     profile;
//   - a read-only root filesystem, with a bounded tmpfs (noexec, nosuid,
//     nodev) at /tmp;
//   - user nobody unless the policy allows the image's own user;
//   - no network but loopback unless both the task and the policy allow it;
//   - memory equal to memory plus swap, a CPU quota, a pids limit, an
//     open-files limit, and a high OOM score so that the host's own
//     processes outlive jobs under memory pressure;
//   - no logs kept by the engine (output is read from the attached
//     streams), no restart, nothing mounted but the job's own directories.
//
// The image is given by ID, so that the image the policy checked is the
// one that runs even if its tag moves meanwhile.
func (e *Executor) containerSpec(t *executor.Task, lim executor.Limits, imageID string, mounts []mount.Mount) client.ContainerCreateOptions {
	cfg := &container.Config{
		Hostname:     Hostname,
		User:         e.opts.policy.user(),
		Env:          environ(t),
		Cmd:          t.Args,
		Entrypoint:   t.Entrypoint,
		WorkingDir:   t.WorkingDir,
		Image:        imageID,
		Labels:       labels(e.opts.owner, t.ID, t.JobID),
		AttachStdout: true,
		AttachStderr: true,
	}
	if t.Stdin != nil {
		cfg.AttachStdin, cfg.OpenStdin, cfg.StdinOnce = true, true, true
	}
	pids := lim.Pids
	host := &container.HostConfig{
		NetworkMode:    container.NetworkMode(e.opts.policy.networkMode(t.Network)),
		LogConfig:      container.LogConfig{Type: "none"},
		RestartPolicy:  container.RestartPolicy{Name: container.RestartPolicyDisabled},
		AutoRemove:     false, // the exit code and OOM flag are read before removal
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges:true"},
		ReadonlyRootfs: true,
		Tmpfs:          map[string]string{"/tmp": "rw,noexec,nosuid,nodev,mode=1777,size=" + strconv.Itoa(TmpfsBytes)},
		IpcMode:        container.IPCModePrivate,
		OomScoreAdj:    1000,
		Runtime:        e.opts.runtime,
		Mounts:         mounts,
		Resources: container.Resources{
			Memory:     lim.MemoryBytes,
			MemorySwap: lim.MemoryBytes,
			NanoCPUs:   lim.MilliCPU * 1_000_000,
			PidsLimit:  &pids,
			// GPUs are granted only where the provider advertises them;
			// its admission never accepts a GPU task otherwise.
			DeviceRequests: DeviceRequests(int(lim.GPUs)),
			Ulimits:        []*container.Ulimit{{Name: "nofile", Soft: NofileLimit, Hard: NofileLimit}},
		},
	}
	return client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: containerName(t.ID)}
}

// environ is the task's environment (see executor.Environ) and EnvSeed.
func environ(t *executor.Task) []string {
	env := executor.Environ(t)
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, EnvSeed+"=") {
			out = append(out, kv)
		}
	}
	return append(out, EnvSeed+"="+strconv.FormatUint(t.Seed, 10))
}

// unsafeName matches what a container name may not hold.
var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_.-]+`)

// containerName is "opensky-<task>-<random>": readable in `docker ps`,
// and unique even when a task is retried.
func containerName(taskID string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	id := unsafeName.ReplaceAllString(taskID, "_")
	if len(id) > 64 {
		id = id[:64]
	}
	if id == "" {
		id = "task"
	}
	return fmt.Sprintf("opensky-%s-%s", id, hex.EncodeToString(b[:]))
}
