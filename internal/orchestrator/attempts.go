package orchestrator

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// Error codes of an attempt whose provider was lost: it stopped answering
// or restarted (or shut down), or it answers but sent no result in time.
// A dispatch the provider never confirmed is not its fault, but the
// provider is not asked again for the task either.
const (
	codeProviderLost        = "provider_lost"
	codeResultTimeout       = "result_timeout"
	codeDispatchUnconfirmed = "dispatch_unconfirmed"
)

// maxRetryBackoff caps the wait before a lost task is matched again.
const maxRetryBackoff = time.Minute

// lostCode reports whether an attempt that ended with code lost its
// provider (and is reported as a lost fault at settlement).
func lostCode(code string) bool {
	return code == codeProviderLost || code == codeResultTimeout
}

// openAttempt records a confirmed dispatch of t as its newest attempt.
func openAttempt(t *api.Task, id, provider string, at time.Time) {
	t.History = append(slices.Clip(t.History), api.TaskAttempt{
		ID: id, Provider: provider, Phase: api.PhaseStaging, StartedAt: at,
		Steps: []api.PhaseStep{{Phase: api.PhaseStaging, Time: at}},
	})
}

// attemptOf returns t's attempt id for changing, after copying the
// history, which the record's earlier snapshots share; nil when t has no
// such attempt.
func attemptOf(t *api.Task, id string) *api.TaskAttempt {
	for i := len(t.History) - 1; i >= 0; i-- {
		if t.History[i].ID == id {
			t.History = slices.Clone(t.History)
			a := &t.History[i]
			a.Steps = slices.Clone(a.Steps)
			return a
		}
	}
	return nil
}

// closeAttempt ends attempt id of t, once. phase is how it ended when it
// ended by itself (completed, failed, cancelled); empty keeps the last
// phase it reached, for an attempt whose provider was lost.
func closeAttempt(t *api.Task, id string, phase api.Phase, code, reason string) {
	a := attemptOf(t, id)
	if a == nil || !a.EndedAt.IsZero() {
		return
	}
	if phase != "" {
		a.Phase = phase
	}
	a.ErrorCode, a.Error, a.EndedAt = code, reason, time.Now().UTC()
}

// avoided lists the providers task t must not be matched with again: those
// of its attempts that were lost or never confirmed.
func avoided(t *api.Task, into map[string]bool) {
	for _, a := range t.History {
		if lostCode(a.ErrorCode) || a.ErrorCode == codeDispatchUnconfirmed {
			into[a.Provider] = true
		}
	}
}

// lostProviders lists, once each and in order, the providers lost by the
// job's tasks. Records from before attempt histories name the provider
// of a task that ended provider_lost.
func lostProviders(j *api.Job) []api.TaskAttempt {
	var out []api.TaskAttempt
	seen := map[string]bool{}
	add := func(task, provider, code string) {
		if provider != "" && !seen[provider] {
			seen[provider] = true
			out = append(out, api.TaskAttempt{ID: task, Provider: provider, ErrorCode: code})
		}
	}
	for _, t := range j.Tasks {
		if len(t.History) == 0 && t.ErrorCode == codeProviderLost {
			add(t.ID, t.Provider, t.ErrorCode)
		}
		for _, a := range t.History {
			if lostCode(a.ErrorCode) {
				add(t.ID, a.Provider, a.ErrorCode)
			}
		}
	}
	return out
}

// retryDelay is the wait before the task is matched again after its
// lost-th loss (1, 2, ...).
func (o *Orchestrator) retryDelay(lost int) time.Duration {
	d := o.cfg.RetryBackoff
	for i := 1; i < lost && d < maxRetryBackoff; i++ {
		d *= 2
	}
	return min(d, maxRetryBackoff)
}

// reschedule puts a task whose provider was lost back to matching, after
// its backoff. It returns false when the task may not be tried again (it
// used its attempts) or the job stopped while it waited; out then says
// how the task ends.
func (o *Orchestrator) reschedule(ctx context.Context, js *jobState, idx int, run *taskRun, out *taskOutcome) bool {
	rec, _ := js.snapshot()
	t := rec.Tasks[idx]
	// Its provider and that provider's owner are free for other replicas
	// again; the lost provider itself stays excluded for this task through
	// the attempt history.
	js.releaseTask(t.Shard, idx)
	if t.Attempts >= o.cfg.MaxAttempts {
		out.reason = fmt.Sprintf("%s; gave up after %d attempts", out.reason, t.Attempts)
		return false
	}
	lost := 0
	for _, a := range t.History {
		if lostCode(a.ErrorCode) {
			lost++
		}
	}
	wait := o.retryDelay(max(lost, 1))
	o.update(js, func(j *api.Job) bool {
		tk := &j.Tasks[idx]
		tk.Phase, tk.Provider, tk.Attempt, tk.ProviderBoot, tk.BidPrice, tk.MinPrice = api.PhaseMatching, "", "", 0, 0, 0
		tk.StartedAt = time.Time{}
		note(j, "", fmt.Sprintf("shard %d replica %d: %s; matching it again in %s (attempt %d of %d)",
			tk.Shard, tk.Replica, out.reason, wait, tk.Attempts+1, o.cfg.MaxAttempts))
		return true
	})
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		*out = o.stopped(ctx)
		return false
	case <-timer.C:
		return true
	}
}

// note appends a timeline entry labelled phase (the job's phase when
// empty) without moving the job.
func note(j *api.Job, phase api.Phase, msg string) {
	if phase == "" {
		phase = j.Phase
	}
	j.Events = append(j.Events, api.Event{Time: time.Now().UTC(), Phase: phase, Message: msg})
}
