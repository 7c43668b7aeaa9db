package docker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
)

// stopReason says why a container was killed before it exited by itself.
type stopReason int

const (
	notStopped stopReason = iota
	stoppedTimeout
	stoppedCancel
	stoppedClosed
	stoppedDisk
)

func (r stopReason) String() string {
	return [...]string{"none", "timeout", "cancelled", "executor closed", "output limit"}[r]
}

// killWait bounds the wait for a killed container to be reported exited.
const killWait = 30 * time.Second

// await waits for the container to exit by itself, or kills it when the
// timeout passes, the caller cancels, the executor closes or the outputs
// grow past their limit, and then waits for it to be gone. It returns
// why it killed the container, or an error when the engine failed.
func (e *Executor) await(ctx context.Context, t *executor.Task, lim executor.Limits, cid string,
	exited client.ContainerWaitResult, diskOver <-chan struct{}, log *slog.Logger) (stopReason, error) {
	var deadline <-chan time.Time
	if lim.Timeout > 0 {
		timer := time.NewTimer(lim.Timeout)
		defer timer.Stop()
		deadline = timer.C
	}
	reason := notStopped
	select {
	case <-exited.Result:
		return notStopped, nil
	case err := <-exited.Error:
		return notStopped, fmt.Errorf("docker: task %s: wait for container: %w", t.ID, err)
	case <-deadline:
		reason = stoppedTimeout
	case <-ctx.Done():
		reason = stoppedCancel
	case <-e.done:
		reason = stoppedClosed
	case <-diskOver:
		reason = stoppedDisk
	}
	log.Info("killing container", "reason", reason)
	killCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), engineCallTimeout)
	_, err := e.cli.ContainerKill(killCtx, cid, client.ContainerKillOptions{Signal: "KILL"})
	cancel()
	if err != nil {
		// The container may have exited meanwhile; the wait below tells.
		log.Debug("kill container", "err", err)
	}
	select {
	case <-exited.Result:
		return reason, nil
	case err := <-exited.Error:
		return reason, fmt.Errorf("docker: task %s: wait for killed container: %w", t.ID, err)
	case <-time.After(killWait):
		return reason, fmt.Errorf("docker: task %s: container still running %s after it was killed", t.ID, killWait)
	}
}

// outcome returns the error for how the task ended: the caller or Close
// stopping it first, then its timeout, then a memory kill, then its
// outputs over their limit; a task that exited by itself within its
// limits (with any code) has none.
func (e *Executor) outcome(ctx context.Context, t *executor.Task, lim executor.Limits, stop stopReason, res *executor.Result) error {
	switch {
	case stop == stoppedCancel:
		return cancelled(ctx, t)
	case stop == stoppedClosed:
		return closedErr(t)
	case stop == stoppedTimeout:
		return fmt.Errorf("docker: task %s ran longer than %s: %w", t.ID, lim.Timeout, executor.ErrTimeout)
	case res.OOMKilled:
		return fmt.Errorf("docker: task %s needed more than %d bytes of memory: %w", t.ID, lim.MemoryBytes, executor.ErrMemoryLimit)
	case stop == stoppedDisk:
		return fmt.Errorf("docker: task %s wrote more than %d bytes of outputs and was stopped: %w", t.ID, lim.DiskBytes, executor.ErrOutputLimit)
	}
	return checkDisk(t, lim)
}

// checkDisk enforces the disk limit on what the task left in OutputDir.
func checkDisk(t *executor.Task, lim executor.Limits) error {
	if lim.DiskBytes <= 0 || t.OutputDir == "" {
		return nil
	}
	n, err := dirSize(t.OutputDir)
	if err != nil {
		return fmt.Errorf("docker: task %s: measure outputs: %w", t.ID, err)
	}
	if n > lim.DiskBytes {
		return fmt.Errorf("docker: task %s wrote %d bytes of outputs, the limit is %d: %w", t.ID, n, lim.DiskBytes, executor.ErrOutputLimit)
	}
	return nil
}
