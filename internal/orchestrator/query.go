package orchestrator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/blob"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/safepath"
)

// state returns the live state of a job when it is in memory.
func (o *Orchestrator) state(id string) *jobState {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.jobs[id]
}

// GetJob returns a job's record.
func (o *Orchestrator) GetJob(_ context.Context, id string) (*api.Job, error) {
	if js := o.state(id); js != nil {
		rec, _ := js.snapshot()
		return rec, nil
	}
	j, err := o.store.get(id)
	if errors.Is(err, errNoRecord) {
		return nil, fmt.Errorf("job %s: %w", id, gateway.ErrNotFound)
	}
	return j, err
}

// ListJobs lists jobs, newest first; only opts.Owner's when it is set.
func (o *Orchestrator) ListJobs(_ context.Context, opts api.ListOptions) ([]api.Job, error) {
	var out []api.Job
	err := o.store.each(func(j *api.Job) error {
		if (opts.Phase == "" || j.Phase == opts.Phase) && (opts.Owner == "" || j.Owner == opts.Owner) {
			out = append(out, *j)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b api.Job) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	limit := opts.Limit
	if limit <= 0 {
		limit = 100
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// CancelJob cancels a job that has not ended and waits (bounded by ctx and
// a few seconds) for it to reach the cancelled phase.
func (o *Orchestrator) CancelJob(ctx context.Context, id, reason string) (*api.Job, error) {
	js := o.state(id)
	if js == nil {
		j, err := o.GetJob(ctx, id)
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("job %s is already %s: %w", id, j.Phase, gateway.ErrConflict)
	}
	if reason == "" {
		reason = "cancelled by the consumer"
	}
	js.mu.Lock()
	cancel := js.cancel
	js.mu.Unlock()
	if cancel != nil {
		cancel(reason)
	}
	wctx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	for {
		rec, changed := js.snapshot()
		if rec.Phase.Terminal() {
			return rec, nil
		}
		select {
		case <-changed:
		case <-wctx.Done():
			return rec, nil
		}
	}
}

// WaitJob blocks until the job's version exceeds after, the job is
// terminal, or ctx ends.
func (o *Orchestrator) WaitJob(ctx context.Context, id string, after uint64) (*api.Job, error) {
	js := o.state(id)
	if js == nil {
		return o.GetJob(ctx, id)
	}
	for {
		rec, changed := js.snapshot()
		if rec.Version > after || rec.Phase.Terminal() {
			return rec, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return rec, nil
		}
	}
}

// JobLogs returns the captured output of a job's finished tasks.
func (o *Orchestrator) JobLogs(ctx context.Context, id string) (*api.Logs, error) {
	if _, err := o.GetJob(ctx, id); err != nil {
		return nil, err
	}
	logs, err := o.store.logs(id)
	if err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, l := range logs {
		done[l.TaskID] = true
	}
	for _, l := range o.liveLogs(id) {
		if !done[l.TaskID] {
			logs = append(logs, l)
		}
	}
	slices.SortFunc(logs, func(a, b api.TaskLog) int {
		return cmp.Or(cmp.Compare(a.Shard, b.Shard), cmp.Compare(a.Replica, b.Replica))
	})
	return &api.Logs{JobID: id, Tasks: logs}, nil
}

// JobOutputs lists the collected output files of a job, by shard.
func (o *Orchestrator) JobOutputs(ctx context.Context, id string) ([]api.OutputFile, error) {
	j, err := o.GetJob(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []api.OutputFile
	for shard := range outputShards(j) {
		err := eachOutput(shardOutputDir(o.outputs, id, shard), func(rel string, data []byte) error {
			out = append(out, api.OutputFile{Shard: shard, Path: rel, Size: int64(len(data)), Hash: blob.Ref(data)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list outputs: %w", err)
		}
	}
	return out, nil
}

// OpenOutput opens one collected output file.
func (o *Orchestrator) OpenOutput(ctx context.Context, id string, shard int, rel string) (io.ReadCloser, int64, error) {
	j, err := o.GetJob(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if shard < 0 || shard >= outputShards(j) {
		return nil, 0, fmt.Errorf("shard %d: %w", shard, gateway.ErrNotFound)
	}
	p, err := safepath.Join(shardOutputDir(o.outputs, id, shard), strings.TrimPrefix(rel, "/"))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", gateway.ErrNotFound, err)
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("output %s: %w", rel, gateway.ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("output %s: %w", rel, gateway.ErrNotFound)
	}
	return f, fi.Size(), nil
}
