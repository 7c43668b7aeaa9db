package orchestrator

import (
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// register records a dispatched task so that its result can find it, and
// counts its resources against its provider.
func (o *Orchestrator) register(run *taskRun) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tasks[run.taskID] = run
	if o.load == nil {
		o.load = map[string]wire.Capacity{}
	}
	o.load[run.provider.String()] = addCap(o.load[run.provider.String()], run.res, 1)
}

// unregister forgets a task, frees its resources and wakes matchers
// waiting for capacity. It reports whether the task was still registered.
func (o *Orchestrator) unregister(run *taskRun) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tasks[run.taskID] != run {
		return false
	}
	delete(o.tasks, run.taskID)
	p := run.provider.String()
	o.load[p] = addCap(o.load[p], run.res, -1)
	if o.freed != nil {
		close(o.freed)
		o.freed = nil
	}
	return true
}

// lookup finds a registered task.
func (o *Orchestrator) lookup(taskID string) *taskRun {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tasks[taskID]
}

// inflight is what this orchestrator has running on provider p.
func (o *Orchestrator) inflight(p string) wire.Capacity {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.load[p]
}

// capacityFreed returns a channel closed when a task next finishes.
func (o *Orchestrator) capacityFreed() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.freed == nil {
		o.freed = make(chan struct{})
	}
	return o.freed
}

func addCap(a, b wire.Capacity, sign int64) wire.Capacity {
	return wire.Capacity{
		MilliCPU:    a.MilliCPU + sign*b.MilliCPU,
		MemoryBytes: a.MemoryBytes + sign*b.MemoryBytes,
		DiskBytes:   a.DiskBytes + sign*b.DiskBytes,
		GPUs:        a.GPUs + sign*b.GPUs,
	}
}
