package orchestrator

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// phaseRank orders the phases a job goes through before its tasks end; a
// job only moves forward through them.
var phaseRank = map[api.Phase]int{
	api.PhaseQueued: 0, api.PhaseMatching: 1, api.PhaseStaging: 2, api.PhasePulling: 3, api.PhaseRunning: 4,
}

// advance moves a job forward to phase, with an event, when it is not
// already there or further on (verifying, terminal).
func advance(j *api.Job, phase api.Phase, msg string) {
	cur, ok := phaseRank[j.Phase]
	if !ok || phaseRank[phase] <= cur {
		return
	}
	event(j, phase, msg)
}

// runPhase is where a dispatched attempt is, as its provider reported it.
type runPhase struct {
	phase api.Phase
	at    time.Time
}

// setPhase records that the attempt entered phase at; reports that do not
// move it forward are ignored. It reports whether the phase changed.
func (r *taskRun) setPhase(phase api.Phase, at time.Time) bool {
	r.phaseMu.Lock()
	defer r.phaseMu.Unlock()
	if phaseRank[phase] <= phaseRank[r.ph.phase] {
		return false
	}
	r.ph = runPhase{phase, at}
	select {
	case r.phased <- struct{}{}:
	default:
	}
	return true
}

func (r *taskRun) currentPhase() runPhase {
	r.phaseMu.Lock()
	defer r.phaseMu.Unlock()
	return r.ph
}

// resumePhase sets a run registered at start from its stored attempt.
func (r *taskRun) resumePhase(t *api.Task) {
	r.ph = runPhase{t.Phase, t.StartedAt}
	if n := len(t.History); n > 0 && t.History[n-1].ID == r.taskID {
		if steps := t.History[n-1].Steps; len(steps) > 0 {
			r.ph.at = steps[len(steps)-1].Time
		}
	}
	if r.ph.at.IsZero() {
		r.ph.at = time.Now()
	}
}

// resultDeadline is when the attempt's result is given up on: the bounds
// of the phases still ahead of it, from when it entered its current one,
// and ResultGrace for the delivery.
func (o *Orchestrator) resultDeadline(r *taskRun) time.Time {
	ph := r.currentPhase()
	d := time.Duration(r.timeoutMs)*time.Millisecond + o.cfg.ResultGrace
	switch ph.phase {
	case api.PhaseStaging:
		d += r.stagingFor + r.pullFor
	case api.PhasePulling:
		d += r.pullFor
	}
	return ph.at.Add(d)
}

// handlePhase records a provider's report that a task it holds entered a
// phase: on the attempt, the task and, when it moves the job forward, the
// job.
func (o *Orchestrator) handlePhase(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	var m wire.TaskPhase
	if err := req.Decode(&m); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, &p2p.RemoteError{Code: p2p.CodeBadRequest, Message: err.Error()}
	}
	leave, err := o.enter()
	if err != nil {
		return nil, err
	}
	defer leave()
	run := o.lookup(m.TaskID)
	if run == nil || run.provider != from {
		return &wire.PhaseAck{Known: false}, nil
	}
	phase, now := api.Phase(m.Phase), time.Now().UTC()
	if !run.setPhase(phase, now) {
		return &wire.PhaseAck{Known: true}, nil
	}
	js := o.state(run.jobID)
	if js == nil {
		return &wire.PhaseAck{Known: false}, nil
	}
	// Not awaited: a restart only loses the detail, and the provider
	// reports the next phase anyway.
	o.touch(js, func(j *api.Job) bool {
		t := &j.Tasks[run.idx]
		if t.Phase.Terminal() || t.Attempt != run.taskID {
			return false
		}
		t.Phase = phase
		if a := attemptOf(t, run.taskID); a != nil && a.EndedAt.IsZero() {
			a.Phase = phase
			a.Steps = append(a.Steps, api.PhaseStep{Phase: phase, Time: now})
		}
		switch phase {
		case api.PhasePulling:
			advance(j, phase, fmt.Sprintf("pulling image %s", j.Spec.Image))
		case api.PhaseRunning:
			advance(j, phase, "running")
		default:
			advance(j, phase, "staging inputs")
		}
		return true
	})
	return &wire.PhaseAck{Known: true}, nil
}
