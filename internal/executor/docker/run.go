package docker

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
)

// Bounds on engine calls made on a task's behalf once it is under way;
// they use contexts of their own, so that a cancelled caller still gets
// its container killed and removed.
const (
	engineCallTimeout = 30 * time.Second
	// streamDrain bounds the wait for the rest of a job's output once the
	// container has exited.
	streamDrain = 10 * time.Second
)

// Run runs the task in a hardened container (see containerSpec) under
// its limits; see executor.Executor for the contract. Before anything
// runs, the policy is checked against the task's limits and image (by
// name, then by ID and digests once the image is local); an image the
// engine lacks is pulled. Run then waits for one of the policy's
// container slots.
func (e *Executor) Run(ctx context.Context, t *executor.Task) (*executor.Result, error) {
	if err := validate(t); err != nil {
		return nil, err
	}
	ref, err := requestedImage(t)
	if err != nil {
		return nil, err
	}
	lim, err := effectiveLimits(t, e.opts.policy.Ceilings, e.hostMilliCPU)
	if err != nil {
		return nil, err
	}
	if t.Network && !e.opts.policy.AllowNetwork {
		return nil, fmt.Errorf("docker: task %s asks for network, this provider allows none: %w", t.ID, ErrDenied)
	}
	if err := e.rules.admit(t.Image, imageIdentity{requested: ref}); err != nil {
		return nil, err
	}
	if err := e.enter(); err != nil {
		return nil, err
	}
	defer e.running.Done()
	if ctx.Err() != nil {
		return nil, cancelled(ctx, t)
	}
	img, err := e.ensureImage(ctx, t, ref)
	if err != nil {
		return nil, err
	}
	id := imageIdentity{requested: ref, id: img.ID, repoTags: img.RepoTags, repoDigests: img.RepoDigests, inspected: true}
	if err := e.rules.admit(t.Image, id); err != nil {
		return nil, err
	}
	release, err := e.acquireSlot(ctx, t)
	if err != nil {
		return nil, err
	}
	defer release()
	return e.run(ctx, t, lim, img.ID)
}

// run creates, starts and waits for the task's container, always
// removing it afterwards.
func (e *Executor) run(ctx context.Context, t *executor.Task, lim executor.Limits, imageID string) (*executor.Result, error) {
	log := e.opts.logger.With("task", t.ID, "job", t.JobID)
	dirs, err := prepareDirs(t, log)
	if err != nil {
		return nil, err
	}
	defer dirs.close(log)

	// Engine calls from here on outlive the caller's context: a cancelled
	// task is killed and its container removed all the same.
	engineCtx := context.WithoutCancel(ctx)
	callCtx, cancelCall := context.WithTimeout(engineCtx, engineCallTimeout)
	created, err := e.cli.ContainerCreate(callCtx, e.containerSpec(t, lim, imageID, dirs.mounts))
	cancelCall()
	if err != nil {
		return nil, fmt.Errorf("docker: task %s: create container: %w", t.ID, err)
	}
	cid := created.ID
	log = log.With("container", shortID(cid))
	for _, w := range created.Warnings {
		log.Warn("engine warning", "warning", w)
	}
	e.track(cid)
	defer e.untrack(cid)
	defer e.remove(engineCtx, cid, log)

	// Attach before starting, so that no output is missed.
	att, err := e.cli.ContainerAttach(engineCtx, cid, client.ContainerAttachOptions{
		Stream: true, Stdin: t.Stdin != nil, Stdout: true, Stderr: true,
	})
	if err != nil {
		return nil, fmt.Errorf("docker: task %s: attach to container: %w", t.ID, err)
	}
	defer att.Close()
	stdout := executor.NewBoundedOutput(lim.OutputBytes, t.Stdout, "stdout", log)
	stderr := executor.NewBoundedOutput(lim.OutputBytes, t.Stderr, "stderr", log)
	copied := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, stderr, att.Reader)
		copied <- err
	}()

	if ctx.Err() != nil {
		return nil, cancelled(ctx, t) // the container never started
	}
	waitCtx, stopWait := context.WithCancel(engineCtx)
	defer stopWait()
	callCtx, cancelCall = context.WithTimeout(engineCtx, engineCallTimeout)
	_, err = e.cli.ContainerStart(callCtx, cid, client.ContainerStartOptions{})
	cancelCall()
	if err != nil {
		return nil, startError(t, err)
	}
	start := time.Now()
	log.Debug("container started", "image", shortID(imageID), "limits", lim)
	if t.Stdin != nil {
		go func() {
			// A job that exits without reading its stdin closes the
			// stream; the write error that follows means nothing.
			_, _ = att.Conn.Write(t.Stdin)
			_ = att.CloseWrite()
		}()
	}
	monitorCtx, stopMonitors := context.WithCancel(engineCtx)
	defer stopMonitors()
	usage := make(chan usageSample, 1)
	go func() { usage <- sampleUsage(monitorCtx, e.cli, cid) }()
	diskOver := watchDisk(monitorCtx, t.OutputDir, lim.DiskBytes)

	exited := e.cli.ContainerWait(waitCtx, cid, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	stop, waitErr := e.await(ctx, t, lim, cid, exited, diskOver, log)
	stopMonitors()
	e.drain(att, copied, waitErr == nil, log)

	res := &executor.Result{
		Stdout:    stdout.Bytes(),
		Stderr:    stderr.Bytes(),
		Truncated: stdout.Truncated() || stderr.Truncated(),
	}
	u := <-usage
	res.Usage = executor.Usage{WallTime: time.Since(start), CPUTime: u.cpu, PeakMemory: u.peak}
	if waitErr != nil {
		// The deferred removal kills the container.
		return res, waitErr
	}
	callCtx, cancelCall = context.WithTimeout(engineCtx, engineCallTimeout)
	info, err := e.cli.ContainerInspect(callCtx, cid, client.ContainerInspectOptions{})
	cancelCall()
	if err != nil {
		return res, fmt.Errorf("docker: task %s: inspect container: %w", t.ID, err)
	}
	st := info.Container.State
	res.ExitCode, res.OOMKilled = st.ExitCode, st.OOMKilled
	if wall, ok := engineWallTime(st); ok {
		res.Usage.WallTime = wall
	}
	err = e.outcome(ctx, t, lim, stop, res)
	log.Debug("task ended", "exit", res.ExitCode, "oom", res.OOMKilled, "wall", res.Usage.WallTime,
		"cpu", res.Usage.CPUTime, "memory", res.Usage.PeakMemory, "samples", u.samples, "err", err)
	return res, err
}

// drain waits for the output streams to reach their end after the
// container exited, closing them when that takes longer than streamDrain
// or at once when the container is not known to have exited.
func (e *Executor) drain(att client.ContainerAttachResult, copied <-chan error, exited bool, log *slog.Logger) {
	if !exited {
		att.Close()
	}
	var err error
	select {
	case err = <-copied:
	case <-time.After(streamDrain):
		log.Warn("output did not end after the container exited; closing it")
		att.Close()
		err = <-copied
	}
	if err != nil {
		log.Warn("read container output", "err", err)
	}
}

// remove removes the container, killing it if it still runs.
func (e *Executor) remove(engineCtx context.Context, cid string, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(engineCtx, engineCallTimeout)
	defer cancel()
	if _, err := e.cli.ContainerRemove(ctx, cid, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
		log.Warn("remove container", "err", err)
	}
}

// startError is the error of a container that would not start: a task
// error when its program cannot be executed, an engine error otherwise.
func startError(t *executor.Task, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "executable file not found") || strings.Contains(msg, "no such file or directory") ||
		strings.Contains(msg, "permission denied") {
		return fmt.Errorf("docker: task %s: the program cannot be started: %w: %w", t.ID, executor.ErrInvalidTask, err)
	}
	return fmt.Errorf("docker: task %s: start container: %w", t.ID, err)
}

// engineWallTime is the time between the container's start and exit as
// the engine recorded them.
func engineWallTime(st *container.State) (time.Duration, bool) {
	if st == nil {
		return 0, false
	}
	started, err1 := time.Parse(time.RFC3339Nano, st.StartedAt)
	finished, err2 := time.Parse(time.RFC3339Nano, st.FinishedAt)
	if err1 != nil || err2 != nil || started.IsZero() || finished.Before(started) {
		return 0, false
	}
	return finished.Sub(started), true
}

// shortID is the 12-character form of an engine ID.
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
