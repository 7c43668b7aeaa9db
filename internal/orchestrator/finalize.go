package orchestrator

import (
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/verify"
)

// complete verifies a job whose tasks all finished and moves it to its
// terminal phase: completed when the replicas of every shard agree on their
// output root, failed otherwise. The job's exit code is the first non-zero
// shard exit code.
func (o *Orchestrator) complete(js *jobState) {
	o.touch(js, func(j *api.Job) bool {
		event(j, api.PhaseVerifying, "verifying results")
		return true
	})
	rec, _ := js.snapshot()
	roots := make([]string, rec.Spec.Shards)
	exit := make([]int, rec.Spec.Shards)
	var disagree []string
	for _, t := range rec.Tasks {
		if t.Phase != api.PhaseCompleted {
			o.finish(js, api.PhaseFailed, nonEmpty(t.ErrorCode, "internal"), fmt.Sprintf("shard %d replica %d ended %s: %s", t.Shard, t.Replica, t.Phase, t.Error))
			return
		}
		switch {
		case roots[t.Shard] == "":
			roots[t.Shard], exit[t.Shard] = t.OutputRoot, t.ExitCode
		case roots[t.Shard] != t.OutputRoot:
			disagree = append(disagree, fmt.Sprintf("shard %d: %s vs %s", t.Shard, roots[t.Shard], t.OutputRoot))
		}
	}
	if len(disagree) > 0 {
		o.finish(js, api.PhaseFailed, "replicas_disagree", "replicas returned different results: "+disagree[0])
		return
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
		for _, code := range exit {
			if code != 0 {
				j.ExitCode = code
				break
			}
		}
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
