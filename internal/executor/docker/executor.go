package docker

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
)

var (
	_ executor.Executor = (*Executor)(nil)
	_ executor.Closer   = (*Executor)(nil)
)

// Executor runs tasks in hardened containers on the local Docker engine.
// It is safe for concurrent use; Close it when done.
type Executor struct {
	cli   *client.Client
	opts  options
	rules imageRules
	// slots bounds the containers running at once; nil means no bound.
	slots chan struct{}
	// hostMilliCPU is the engine's CPU count in milli-CPUs.
	hostMilliCPU int64

	mu     sync.Mutex
	closed bool
	// done is closed by Close; running tasks are then stopped.
	done chan struct{}
	// running counts tasks inside Run, so that Close can wait for them.
	running sync.WaitGroup
	// live holds the IDs of the containers this executor is running, so
	// that CleanupOrphans leaves them alone.
	live map[string]struct{}
}

// New connects to the local Docker engine (DOCKER_HOST and the other
// DOCKER_* variables, or the default socket), negotiating the API version
// down to the engine's, and checks that the engine answers and has the
// runtime asked for. An unreachable engine gives an error wrapping
// ErrEngineUnavailable.
func New(ctx context.Context, opts ...Option) (*Executor, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.policy.Validate(); err != nil {
		return nil, fmt.Errorf("docker: %w", err)
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker: client: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		return nil, fmt.Errorf("docker: cannot reach the Docker engine at %s (is it running, and may this user use its socket?): %w: %w",
			cli.DaemonHost(), ErrEngineUnavailable, err)
	}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		cli.Close()
		return nil, fmt.Errorf("docker: engine info: %w: %w", ErrEngineUnavailable, err)
	}
	if o.runtime != "" {
		if _, ok := info.Info.Runtimes[o.runtime]; !ok {
			cli.Close()
			return nil, fmt.Errorf("docker: the engine has no runtime %q (configure it in the engine's daemon.json)", o.runtime)
		}
	}
	e := &Executor{
		cli:          cli,
		opts:         o,
		rules:        parseRules(o.policy),
		hostMilliCPU: int64(info.Info.NCPU) * 1000,
		done:         make(chan struct{}),
		live:         map[string]struct{}{},
	}
	if n := o.policy.MaxContainers; n > 0 {
		e.slots = make(chan struct{}, n)
	}
	o.logger.Debug("docker engine connected", "host", cli.DaemonHost(), "api", cli.ClientVersion(),
		"engine", info.Info.ServerVersion, "cgroup", info.Info.CgroupVersion, "runtime", o.runtime)
	return e, nil
}

// Engine returns spec.EngineDocker.
func (e *Executor) Engine() spec.Engine { return spec.EngineDocker }

// Close stops every running task (their Run returns an error wrapping
// ErrClosed and executor.ErrCancelled), waits for them to remove their
// containers or for ctx, and closes the engine client.
func (e *Executor) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	close(e.done)
	e.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		e.running.Wait()
		close(finished)
	}()
	var err error
	select {
	case <-finished:
	case <-ctx.Done():
		err = fmt.Errorf("docker: close: tasks still stopping: %w", ctx.Err())
	}
	return errors.Join(err, e.cli.Close())
}

// enter registers a task starting in Run; it fails after Close.
func (e *Executor) enter() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	e.running.Add(1)
	return nil
}

// acquireSlot waits for one of the MaxContainers slots or for ctx, and
// returns the function that gives it back.
func (e *Executor) acquireSlot(ctx context.Context, t *executor.Task) (func(), error) {
	if e.slots == nil {
		return func() {}, nil
	}
	select {
	case e.slots <- struct{}{}:
		return func() { <-e.slots }, nil
	case <-ctx.Done():
		return nil, cancelled(ctx, t)
	case <-e.done:
		return nil, closedErr(t)
	}
}

// track and untrack maintain the set of live containers.
func (e *Executor) track(id string) {
	e.mu.Lock()
	e.live[id] = struct{}{}
	e.mu.Unlock()
}

func (e *Executor) untrack(id string) {
	e.mu.Lock()
	delete(e.live, id)
	e.mu.Unlock()
}

func (e *Executor) isLive(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.live[id]
	return ok
}

// cancelled is the error of a task whose caller's context ended.
func cancelled(ctx context.Context, t *executor.Task) error {
	return fmt.Errorf("docker: task %s: %w: %w", t.ID, executor.ErrCancelled, context.Cause(ctx))
}

// closedErr is the error of a task stopped by Close.
func closedErr(t *executor.Task) error {
	return fmt.Errorf("docker: task %s: %w: %w", t.ID, executor.ErrCancelled, ErrClosed)
}
