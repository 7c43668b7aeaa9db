package orchestrator

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// jobState is a job's live record. Every change goes through update, which
// bumps the version, persists the record and wakes waiters.
type jobState struct {
	mu      sync.Mutex
	rec     *api.Job
	changed chan struct{}
	cancel  func(reason string) // set before the job is visible
	// resumed holds, by task index, the runs Start registered for tasks a
	// provider held when the orchestrator stopped.
	resumed map[int]*taskRun
	// claims holds, by shard, the provider each replica is being placed
	// on, so that two replicas placed at once never pick the same one.
	claims map[int]map[string]int
	// expired is set when the job's deadline passed: a job stopped then
	// ends expired, not cancelled.
	expired atomic.Bool
}

// claim reserves provider p for task idx of shard, unless another replica
// of the shard holds it.
func (s *jobState) claim(shard, idx int, p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claims == nil {
		s.claims = map[int]map[string]int{}
	}
	if s.claims[shard] == nil {
		s.claims[shard] = map[string]int{}
	}
	if holder, ok := s.claims[shard][p]; ok && holder != idx {
		return false
	}
	s.claims[shard][p] = idx
	return true
}

// releaseTask gives up every claim task idx holds on shard.
func (s *jobState) releaseTask(shard, idx int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, holder := range s.claims[shard] {
		if holder == idx {
			delete(s.claims[shard], k)
		}
	}
}

// release gives up task idx's claim on provider p.
func (s *jobState) release(shard, idx int, p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.claims[shard][p] == idx {
		delete(s.claims[shard], p)
	}
}

func newJobState(j *api.Job) *jobState {
	return &jobState{rec: j, changed: make(chan struct{})}
}

// snapshot returns a deep-enough copy of the record for readers.
func (s *jobState) snapshot() (*api.Job, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneJob(s.rec), s.changed
}

func cloneJob(j *api.Job) *api.Job {
	c := *j
	c.Events = append([]api.Event(nil), j.Events...)
	c.Tasks = append([]api.Task(nil), j.Tasks...)
	if j.Payment != nil {
		p := *j.Payment
		c.Payment = &p
	}
	return &c
}

// update applies fn to the record under the job's lock, writes it durably
// and then wakes waiters: what a reader sees is on disk. fn returns false
// to say nothing changed.
func (o *Orchestrator) update(s *jobState, fn func(j *api.Job) bool) error {
	return o.change(s, fn, true)
}

// touch is update for changes a restart can do without: the write is
// queued behind earlier ones but not awaited. Submission, results and
// failures use update; phase steps that resumption recomputes use touch.
func (o *Orchestrator) touch(s *jobState, fn func(j *api.Job) bool) {
	o.change(s, fn, false)
}

func (o *Orchestrator) change(s *jobState, fn func(j *api.Job) bool, durable bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := cloneJob(s.rec)
	if !fn(next) {
		return nil
	}
	next.Version++
	next.UpdatedAt = time.Now().UTC()
	if err := o.store.put(next, durable); err != nil {
		o.log.Error("persist job", "job", next.ID, "err", err)
		return err
	}
	s.rec = next
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

// event appends a timeline entry, and moves the job to phase when it is
// not empty.
func event(j *api.Job, phase api.Phase, msg string) {
	if phase != "" {
		j.Phase = phase
	}
	j.Events = append(j.Events, api.Event{Time: time.Now().UTC(), Phase: j.Phase, Message: msg})
}
