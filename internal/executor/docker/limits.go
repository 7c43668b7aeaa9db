package docker

import (
	"fmt"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// Limits applied when neither the task nor the policy's ceilings set one.
// CPU, disk and time have none then: the job shares the CPUs, its outputs
// are not bounded and it runs until it ends.
const (
	DefaultMemoryBytes = 512 << 20
	DefaultPids        = 256
	DefaultOutputBytes = executor.DefaultOutputBytes
)

// Fixed bounds of every job container.
const (
	// TmpfsBytes bounds the tmpfs mounted at /tmp (its pages also count
	// against the job's memory).
	TmpfsBytes = 64 << 20
	// NofileLimit is the soft and hard limit on open files.
	NofileLimit = 4096
	// minMemoryBytes is the least memory the engine accepts for a
	// container; smaller limits are raised to it.
	minMemoryBytes = 6 << 20
	// minMilliCPU is the smallest CPU quota the engine accepts.
	minMilliCPU = 10
)

// effectiveLimits returns the limits a task runs under: each limit the
// task sets, or else the policy's ceiling, or else the default above
// (captured output is the exception: DefaultOutputBytes unless the
// ceiling is lower). A
// task asking for more than a ceiling is refused with ErrDenied. CPU is
// further capped at what the machine has (hostMilliCPU, when known) and
// memory raised to the engine's minimum.
func effectiveLimits(t *executor.Task, ceil executor.Limits, hostMilliCPU int64) (executor.Limits, error) {
	l := t.Limits
	var err error
	pick := func(name string, task, ceiling, def int64) int64 {
		switch {
		case err != nil:
			return 0
		case ceiling > 0 && task > ceiling:
			err = fmt.Errorf("docker: task %s asks for %s %d, the provider allows at most %d: %w", t.ID, name, task, ceiling, ErrDenied)
			return 0
		case task > 0:
			return task
		case ceiling > 0:
			return ceiling
		default:
			return def
		}
	}
	out := executor.Limits{
		MilliCPU:    pick("milli-CPU", l.MilliCPU, ceil.MilliCPU, 0),
		MemoryBytes: pick("memory bytes", l.MemoryBytes, ceil.MemoryBytes, DefaultMemoryBytes),
		DiskBytes:   pick("disk bytes", l.DiskBytes, ceil.DiskBytes, 0),
		OutputBytes: pick("output bytes", l.OutputBytes, ceil.OutputBytes, DefaultOutputBytes),
		Pids:        pick("processes", l.Pids, ceil.Pids, DefaultPids),
		GPUs:        l.GPUs,
	}
	if l.OutputBytes == 0 {
		// Captured output defaults to DefaultOutputBytes even under a
		// higher ceiling: the ceiling bounds what a task may ask for.
		out.OutputBytes = DefaultOutputBytes
		if ceil.OutputBytes > 0 {
			out.OutputBytes = min(out.OutputBytes, ceil.OutputBytes)
		}
	}
	out.Timeout = pickDuration(l, ceil)
	if err == nil && ceil.Timeout > 0 && l.Timeout > ceil.Timeout {
		err = fmt.Errorf("docker: task %s asks for a timeout of %s, the provider allows at most %s: %w", t.ID, l.Timeout, ceil.Timeout, ErrDenied)
	}
	if err != nil {
		return executor.Limits{}, err
	}
	if hostMilliCPU > 0 && out.MilliCPU > hostMilliCPU {
		out.MilliCPU = hostMilliCPU
	}
	if out.MilliCPU > 0 && out.MilliCPU < minMilliCPU {
		out.MilliCPU = minMilliCPU
	}
	out.MemoryBytes = max(out.MemoryBytes, minMemoryBytes)
	return out, nil
}

// pickDuration is the timeout: the task's, else the ceiling, else none.
func pickDuration(l, ceil executor.Limits) time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return ceil.Timeout
}
