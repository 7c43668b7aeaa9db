package provider

import (
	"fmt"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// admission tracks what is reserved (by accepted bids) and running, against
// the provider's total capacity. A bid's reservation lapses if no dispatch
// claims it in time.
type admission struct {
	mu       sync.Mutex
	total    wire.Capacity
	maxTasks int
	held     map[string]reservation
}

type reservation struct {
	from    string
	res     wire.Capacity
	expires time.Time // zero once claimed by a dispatch
}

func newAdmission(total wire.Capacity, maxTasks int) *admission {
	return &admission{total: total, maxTasks: maxTasks, held: map[string]reservation{}}
}

// reserve holds res for task until expires, or says why it cannot.
func (a *admission) reserve(task, from string, res wire.Capacity, expires time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := a.held[task]; ok {
		if r.from == from {
			return nil
		}
		return fmt.Errorf("task %s is held for another peer", task)
	}
	a.sweep(time.Now())
	if a.maxTasks > 0 && len(a.held) >= a.maxTasks {
		return fmt.Errorf("busy: %d tasks held", len(a.held))
	}
	free := a.freeLocked()
	switch {
	case res.MilliCPU > free.MilliCPU:
		return fmt.Errorf("cpu: %dm free, %dm asked", free.MilliCPU, res.MilliCPU)
	case res.MemoryBytes > free.MemoryBytes:
		return fmt.Errorf("memory: %d free, %d asked", free.MemoryBytes, res.MemoryBytes)
	case res.DiskBytes > free.DiskBytes:
		return fmt.Errorf("disk: %d free, %d asked", free.DiskBytes, res.DiskBytes)
	case res.GPUs > free.GPUs:
		return fmt.Errorf("gpu: %d free, %d asked", free.GPUs, res.GPUs)
	}
	a.held[task] = reservation{from: from, res: res, expires: expires}
	return nil
}

// claim turns a bid's reservation into a running task. A dispatch without
// a live reservation from the same peer is admitted afresh.
func (a *admission) claim(task, from string, res wire.Capacity) error {
	a.mu.Lock()
	r, ok := a.held[task]
	if ok && r.from == from && (r.expires.IsZero() || time.Now().Before(r.expires)) {
		if exceeds(res, r.res) {
			a.mu.Unlock()
			return fmt.Errorf("dispatch asks more than the bid reserved")
		}
		r.expires = time.Time{}
		a.held[task] = r
		a.mu.Unlock()
		return nil
	}
	if ok && r.from != from {
		a.mu.Unlock()
		return fmt.Errorf("task %s is held for another peer", task)
	}
	a.mu.Unlock()
	if err := a.reserve(task, from, res, time.Now().Add(time.Hour)); err != nil {
		return err
	}
	a.mu.Lock()
	r = a.held[task]
	r.expires = time.Time{}
	a.held[task] = r
	a.mu.Unlock()
	return nil
}

// release frees a task's resources.
func (a *admission) release(task string) {
	a.mu.Lock()
	delete(a.held, task)
	a.mu.Unlock()
}

// free is the capacity neither reserved nor running.
func (a *admission) free() (wire.Capacity, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sweep(time.Now())
	return a.freeLocked(), len(a.held)
}

func (a *admission) freeLocked() wire.Capacity {
	f := a.total
	for _, r := range a.held {
		f.MilliCPU -= r.res.MilliCPU
		f.MemoryBytes -= r.res.MemoryBytes
		f.DiskBytes -= r.res.DiskBytes
		f.GPUs -= r.res.GPUs
	}
	return f
}

func exceeds(a, b wire.Capacity) bool {
	return a.MilliCPU > b.MilliCPU || a.MemoryBytes > b.MemoryBytes || a.DiskBytes > b.DiskBytes || a.GPUs > b.GPUs
}

func (a *admission) sweep(now time.Time) {
	for id, r := range a.held {
		if !r.expires.IsZero() && now.After(r.expires) {
			delete(a.held, id)
		}
	}
}
