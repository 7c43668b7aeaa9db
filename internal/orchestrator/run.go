package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// cancelCause is the cause of a job's context when the consumer cancels it
// (as opposed to the orchestrator shutting down, which leaves the job to
// resume on the next start).
type cancelCause struct{ reason string }

func (c *cancelCause) Error() string { return "cancelled: " + c.reason }

// expiredCause is the cause of a job's context when its deadline passes.
type expiredCause struct{ deadline time.Duration }

func (e *expiredCause) Error() string {
	return fmt.Sprintf("the job's deadline of %s from its submission passed", e.deadline)
}

// failFast is the cause when a sibling task failed and the job stops.
var errSiblingFailed = errors.New("another task of the job failed")

// taskOutcome is how one task ended, from the job's point of view.
type taskOutcome struct {
	idx       int
	failed    bool
	cancelled bool
	shutdown  bool
	// lost: the task's provider was lost and its attempt closed; the
	// task may be matched again.
	lost   bool
	code   string
	reason string
}

// prepare gives a job its context and cancel function; it runs before the
// job is visible, so that a cancel can never miss it.
func (o *Orchestrator) prepare(js *jobState) (context.Context, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(o.ctx)
	js.mu.Lock()
	js.cancel = func(reason string) { cancel(&cancelCause{reason: reason}) }
	js.mu.Unlock()
	return ctx, cancel
}

// launch starts the goroutine that drives a prepared job to a terminal
// phase, unless the orchestrator is closing (the job then resumes on the
// next start).
func (o *Orchestrator) launch(ctx context.Context, cancel context.CancelCauseFunc, js *jobState) {
	o.serving.RLock()
	defer o.serving.RUnlock()
	if o.closed {
		cancel(nil)
		return
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer cancel(nil)
		o.runJob(ctx, cancel, js)
	}()
}

func (o *Orchestrator) runJob(ctx context.Context, cancel context.CancelCauseFunc, js *jobState) {
	rec, _ := js.snapshot()
	if rec.Phase == api.PhaseQueued {
		o.touch(js, func(j *api.Job) bool {
			event(j, api.PhaseMatching, "matching providers")
			return true
		})
	}
	if d := time.Duration(rec.Spec.Deadline); d > 0 {
		// Armed on every start, so a deadline that passed while the
		// orchestrator was down ends the job as soon as it resumes.
		expire := time.AfterFunc(time.Until(rec.CreatedAt.Add(d)), func() {
			js.expired.Store(true)
			cancel(&expiredCause{deadline: d})
		})
		defer expire.Stop()
	}
	outcomes := make(chan taskOutcome, len(rec.Tasks))
	// Tasks that ended before a restart count as they ended. Only the
	// planned replicas run here: checks belong to the verification stage
	// and the reduce step to its own, which pick them up where they were.
	for i, t := range rec.Tasks {
		if t.Role != "" && t.Role != api.RoleReplica {
			continue
		}
		switch t.Phase {
		case api.PhaseFailed:
			outcomes <- taskOutcome{idx: i, failed: true, code: t.ErrorCode, reason: fmt.Sprintf("shard %d: %s", t.Shard, t.Error)}
		case api.PhaseCancelled:
			outcomes <- taskOutcome{idx: i, cancelled: true, code: "cancelled", reason: t.Error}
		}
	}
	var wg sync.WaitGroup
	for i, t := range rec.Tasks {
		if t.Phase.Terminal() || (t.Role != "" && t.Role != api.RoleReplica) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := o.runTask(ctx, js, i)
			if out.failed {
				cancel(errSiblingFailed)
			}
			outcomes <- out
		}()
	}
	wg.Wait()
	close(outcomes)

	var first, cancelled *taskOutcome
	for out := range outcomes {
		if out.shutdown {
			// The orchestrator is stopping: leave the job as persisted so
			// that it resumes on the next start.
			return
		}
		if out.failed && (first == nil || out.idx < first.idx) {
			first = &out
		}
		if out.cancelled && cancelled == nil {
			cancelled = &out
		}
	}
	var cc *cancelCause
	var ec *expiredCause
	switch {
	case errors.As(context.Cause(ctx), &ec):
		o.finish(js, api.PhaseExpired, "deadline_exceeded", ec.Error())
	case first != nil:
		o.finish(js, api.PhaseFailed, first.code, first.reason)
	case errors.As(context.Cause(ctx), &cc):
		o.finish(js, api.PhaseCancelled, "cancelled", cc.reason)
	case cancelled != nil:
		o.finish(js, api.PhaseCancelled, "cancelled", cancelled.reason)
	case o.ctx.Err() != nil:
		return
	default:
		o.complete(ctx, js)
	}
}

// finish moves a job to a terminal phase other than completed. A job
// whose deadline passed while it was being stopped ends expired.
func (o *Orchestrator) finish(js *jobState, phase api.Phase, code, reason string) {
	if phase == api.PhaseCancelled && js.expired.Load() {
		rec, _ := js.snapshot()
		phase, code, reason = api.PhaseExpired, "deadline_exceeded", (&expiredCause{deadline: time.Duration(rec.Spec.Deadline)}).Error()
	}
	o.update(js, func(j *api.Job) bool {
		for i := range j.Tasks {
			t := &j.Tasks[i]
			if !t.Phase.Terminal() {
				t.Phase = api.PhaseCancelled
				if t.Attempt != "" {
					closeAttempt(t, t.Attempt, api.PhaseCancelled, "cancelled", reason)
				}
			}
		}
		j.ErrorCode, j.Reason = code, reason
		j.Cost = jobCost(j)
		event(j, phase, reason)
		return true
	})
	rec, _ := js.snapshot()
	o.promoteSingle(rec)
	o.forget(js)
	o.settle(js)
}

// forget drops a terminal job from memory once its record is on disk;
// readers then fall back to the store.
func (o *Orchestrator) forget(js *jobState) {
	if err := o.store.barrier(); err != nil {
		return // keep serving it from memory
	}
	rec, _ := js.snapshot()
	o.mu.Lock()
	delete(o.jobs, rec.ID)
	o.mu.Unlock()
}

func jobCost(j *api.Job) int64 {
	var c int64
	for _, t := range j.Tasks {
		c += t.Price
	}
	return c
}

func taskFailure(code, format string, args ...any) taskOutcome {
	return taskOutcome{failed: true, code: code, reason: fmt.Sprintf(format, args...)}
}
