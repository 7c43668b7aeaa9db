package orchestrator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/api"
)

// taskOutputDir is where one task's received outputs are kept until
// verification picks a shard's.
func taskOutputDir(root, jobID, taskID string) string {
	return filepath.Join(root, jobID, "tasks", taskID)
}

// shardOutputDir is where a shard's accepted outputs are served from.
func shardOutputDir(root, jobID string, shard int) string {
	return filepath.Join(root, jobID, fmt.Sprintf("shard-%d", shard))
}

// promoteOutput makes task's outputs the shard's: the files of an
// execution whose output root verification accepted. It is idempotent: a
// shard that already has its outputs keeps them.
func (o *Orchestrator) promoteOutput(jobID string, shard int, task string) error {
	final := shardOutputDir(o.outputs, jobID, shard)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	src := taskOutputDir(o.outputs, jobID, task)
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		// The execution wrote no files: the shard has none either.
		return os.MkdirAll(final, 0o700)
	}
	if err := os.Rename(src, final); err != nil && !isNotEmpty(err) {
		return fmt.Errorf("outputs of shard %d: %w", shard, err)
	}
	return nil
}

// promoteVerified promotes, for every accepted shard, the outputs of one
// execution that agreed on its root.
func (o *Orchestrator) promoteVerified(jobID string, ver *api.Verification) error {
	for _, sv := range ver.Shards {
		if sv.Verdict != api.VerdictAccepted || len(sv.Agreeing) == 0 {
			continue
		}
		if err := o.promoteOutput(jobID, sv.Shard, sv.Agreeing[0].Task); err != nil {
			return err
		}
	}
	return nil
}

// promoteSingle promotes the outputs of shards that ran once and completed,
// for a job that ended without verification (failed or cancelled): with
// one replica there is nothing to compare, and the consumer may want what
// finished.
func (o *Orchestrator) promoteSingle(j *api.Job) {
	if j.Spec.Replicas > 1 {
		return
	}
	for _, t := range j.Tasks {
		if t.Phase == api.PhaseCompleted && t.Replica == 0 && t.Role == "" {
			if err := o.promoteOutput(j.ID, t.Shard, t.ID); err != nil {
				o.log.Warn("keep outputs", "job", j.ID, "task", t.ID, "err", err)
			}
		}
	}
}

// outputShards is how many shard output directories a job has: its
// shards, and one more for its reduce step.
func outputShards(j *api.Job) int {
	if j.Spec.Reduce != nil {
		return j.Spec.Shards + 1
	}
	return j.Spec.Shards
}

// eachOutput calls fn with the slash-separated path and the bytes of every
// regular file under dir, in lexical order; a missing dir has none.
func eachOutput(dir string, fn func(rel string, data []byte) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		return fn(filepath.ToSlash(rel), data)
	})
}
