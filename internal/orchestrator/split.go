package orchestrator

import (
	"bytes"
	"context"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// Variables a task sees besides the executor's OPENSKY_SHARD_INDEX,
// OPENSKY_SHARD_COUNT and OPENSKY_JOB_ID.
const (
	// EnvInputSplit is set to the spec's split ("files" or "lines") when
	// the orchestrator already gave each shard only its part of the
	// inputs, so the program must not divide them again.
	EnvInputSplit = "OPENSKY_INPUT_SPLIT"
	// EnvReduce is "1" in the reduce step.
	EnvReduce = "OPENSKY_REDUCE"
)

// withEnv is env plus k=v, as a new map.
func withEnv(env map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(env)+1)
	for key, val := range env {
		out[key] = val
	}
	out[k] = v
	return out
}

// isReduce reports whether task t is job j's reduce step: it runs after
// the shards, as the shard numbered Shards.
func isReduce(j *api.Job, t api.Task) bool {
	return j.Spec.Reduce != nil && t.Shard == j.Spec.Shards
}

// taskInputs are the inputs task t sees: the job's inputs, split among the
// shards as the spec says, or for the reduce step every shard's outputs
// under shard-<i>/.
func (o *Orchestrator) taskInputs(j *api.Job, t api.Task) ([]spec.Input, error) {
	s := &j.Spec
	switch {
	case isReduce(j, t):
		return o.shardOutputs(j)
	case s.Split == spec.SplitFiles:
		var out []spec.Input
		for i, in := range s.Inputs {
			if i%s.Shards == t.Shard {
				out = append(out, in)
			}
		}
		return out, nil
	case s.Split == spec.SplitLines && len(s.Inputs) == 1:
		in := s.Inputs[0]
		data := []byte(in.Content)
		if in.Blob != "" {
			var err error
			if data, err = o.blobs.Read(in.Blob); err != nil {
				return nil, fmt.Errorf("input %s: %w", in.Name, err)
			}
		}
		part := lineRange(data, t.Shard, s.Shards)
		ref, _, err := o.blobs.Put(context.Background(), bytes.NewReader(part), int64(len(part)))
		if err != nil {
			return nil, fmt.Errorf("input %s, shard %d: %w", in.Name, t.Shard, err)
		}
		return []spec.Input{{Name: in.Name, Blob: ref}}, nil
	}
	return s.Inputs, nil
}

// lineRange is shard's share of data's lines: lines [shard·n/shards,
// (shard+1)·n/shards) of its n lines, each with its newline, so that the
// shards' parts put back in order are data exactly.
func lineRange(data []byte, shard, shards int) []byte {
	var starts []int
	for i := 0; i < len(data); {
		starts = append(starts, i)
		nl := bytes.IndexByte(data[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	n := len(starts)
	from, to := shard*n/shards, (shard+1)*n/shards
	at := func(line int) int {
		if line >= n {
			return len(data)
		}
		return starts[line]
	}
	return data[at(from):at(to)]
}

// shardOutputs stores every shard's verified outputs as blobs and names
// them shard-<i>/<path>, the reduce step's inputs.
func (o *Orchestrator) shardOutputs(j *api.Job) ([]spec.Input, error) {
	var out []spec.Input
	for shard := range j.Spec.Shards {
		err := eachOutput(shardOutputDir(o.outputs, j.ID, shard), func(rel string, data []byte) error {
			ref, _, err := o.blobs.Put(context.Background(), bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return err
			}
			out = append(out, spec.Input{Name: fmt.Sprintf("shard-%d/%s", shard, rel), Blob: ref})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("outputs of shard %d: %w", shard, err)
		}
	}
	return out, nil
}

// plannedExecutions is the most executions a job can need: its replicas,
// the checks verification may add (at most two per shard), and the reduce
// step. Dividing the price cap by it keeps the whole job within maxPrice
// however many checks run.
func plannedExecutions(s *spec.Job, tasks int) int {
	n := s.Shards * s.Replicas
	if s.Verification == spec.VerifySpotCheck || s.Verification == spec.VerifyAuto {
		n += 2 * s.Shards
	}
	if s.Reduce != nil {
		n++
	}
	return max(n, tasks, 1)
}
