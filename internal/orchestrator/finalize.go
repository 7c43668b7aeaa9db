package orchestrator

import (
	"context"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/verify"
)

// complete verifies a job whose tasks all finished and moves it to its
// terminal phase. The verification stage (verifystage.go) decides each
// shard by the job's mode, running extra executions where the mode asks;
// the job completes with the accepted roots when every shard is accepted,
// and fails otherwise (replicas_disagree with no strict majority,
// unverified when a check could not run). The job's exit code is the
// first non-zero exit code of the accepted shard results.
func (o *Orchestrator) complete(ctx context.Context, js *jobState) {
	o.touch(js, func(j *api.Job) bool {
		event(j, api.PhaseVerifying, "verifying results")
		return true
	})
	ver, stop := o.verifyStage(ctx, js)
	switch {
	case stop != nil && stop.shutdown:
		return // resumes, and is verified again, on the next start
	case stop != nil:
		o.finish(js, api.PhaseCancelled, "cancelled", stop.reason)
		return
	}
	for _, sv := range ver.Shards {
		switch sv.Verdict {
		case api.VerdictAccepted:
			continue
		case api.VerdictNoMajority:
			o.finish(js, api.PhaseFailed, "replicas_disagree", fmt.Sprintf("shard %d: replicas returned different results: %s", sv.Shard, sv.Why))
		default:
			rec, _ := js.snapshot()
			o.finish(js, api.PhaseFailed, unverifiedCode(rec, sv.Shard), fmt.Sprintf("shard %d could not be verified: %s", sv.Shard, sv.Why))
		}
		return
	}
	rec, _ := js.snapshot()
	if err := o.promoteVerified(rec.ID, ver); err != nil {
		o.finish(js, api.PhaseFailed, "internal", err.Error())
		return
	}
	roots := make([]string, len(ver.Shards))
	exit := 0
	for i, sv := range ver.Shards {
		roots[i] = sv.Root
		if exit == 0 {
			exit = sv.ExitCode
		}
	}
	if rec.Spec.Reduce != nil {
		rt, stop := o.runReduce(ctx, js)
		switch {
		case stop != nil && stop.shutdown:
			return
		case stop != nil && stop.cancelled:
			o.finish(js, api.PhaseCancelled, "cancelled", stop.reason)
			return
		case stop != nil:
			o.finish(js, api.PhaseFailed, stop.code, stop.reason)
			return
		}
		roots = append(roots, rt.OutputRoot)
		if exit == 0 {
			exit = rt.ExitCode
		}
	}
	jobRoot, err := verify.JobRoot(roots)
	if err != nil {
		o.finish(js, api.PhaseFailed, "internal", err.Error())
		return
	}
	// Every task's result is already on disk, so a restart would reach
	// this same verdict again: the terminal write need not be awaited.
	o.touch(js, func(j *api.Job) bool {
		j.OutputRoot = jobRoot.String()
		j.Cost = jobCost(j)
		j.ExitCode = exit
		msg := "completed"
		if j.ExitCode != 0 {
			msg = fmt.Sprintf("completed with exit code %d", j.ExitCode)
		}
		event(j, api.PhaseCompleted, msg)
		return true
	})
	o.forget(js)
	o.settle(js)
}

// unverifiedCode is the error code of a shard that could not be verified:
// the code of its last failed execution when it has one (a planned
// replica that failed, or no provider for a check), else "unverified".
func unverifiedCode(j *api.Job, shard int) string {
	code := "unverified"
	for _, t := range j.Tasks {
		if t.Shard == shard && t.Phase.Terminal() && t.Phase != api.PhaseCompleted && t.ErrorCode != "" {
			code = t.ErrorCode
		}
	}
	return code
}
