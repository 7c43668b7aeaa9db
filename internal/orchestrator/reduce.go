package orchestrator

import (
	"context"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
)

// runReduce runs the job's reduce step once every shard is verified: one
// more task, numbered Shards, whose inputs are the shards' accepted
// outputs. It returns the finished task, or the outcome that stopped it.
// After a restart it finds the task it added before and goes on with it.
func (o *Orchestrator) runReduce(ctx context.Context, js *jobState) (api.Task, *taskOutcome) {
	rec, _ := js.snapshot()
	shards := rec.Spec.Shards
	idx := -1
	for i, t := range rec.Tasks {
		if isReduce(rec, t) {
			idx = i
		}
	}
	if idx < 0 {
		o.update(js, func(j *api.Job) bool {
			j.Tasks = append(j.Tasks, api.Task{ID: taskID(j.ID, shards, 0), Shard: shards, Role: api.RoleReduce, Phase: api.PhaseQueued})
			event(j, "", fmt.Sprintf("reducing the outputs of %d shard(s)", shards))
			return true
		})
		rec, _ = js.snapshot()
		idx = len(rec.Tasks) - 1
	}
	t := rec.Tasks[idx]
	switch {
	case t.Phase == api.PhaseCompleted:
	case t.Phase.Terminal():
		return t, &taskOutcome{idx: idx, failed: true, code: nonEmpty(t.ErrorCode, "reduce_failed"), reason: "the reduce step: " + t.Error}
	default:
		out := o.runTask(ctx, js, idx)
		if out.failed || out.cancelled || out.shutdown {
			if out.failed {
				out.reason = "the reduce step: " + out.reason
			}
			return t, &out
		}
		rec, _ = js.snapshot()
		t = rec.Tasks[idx]
	}
	if err := o.promoteOutput(rec.ID, shards, t.ID); err != nil {
		return t, &taskOutcome{idx: idx, failed: true, code: "internal", reason: err.Error()}
	}
	return t, nil
}
