package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/spec"
)

// outcome is how a submitted job ends in the scripted backend.
type outcome struct {
	phase     api.Phase
	exitCode  int
	errorCode string
	reason    string
	logs      []api.TaskLog
	outputs   []outputFile
}

// outputFile is an output the backend serves; listedOnly files appear in
// the listing but cannot be downloaded (to test hostile listings).
type outputFile struct {
	shard      int
	path       string
	data       []byte
	listedOnly bool
}

// scriptedBackend is a gateway.Backend for the CLI's tests. A submitted job
// goes queued, running, then ends as the test's outcome says; each WaitJob
// call returns the next step at once.
type scriptedBackend struct {
	mu        sync.Mutex
	outcome   func(s spec.Job) outcome
	steps     map[string][]api.Job // job id -> records, version i+1 at index i
	order     []string
	logs      map[string][]api.TaskLog
	outputs   map[string][]outputFile
	blobs     map[string][]byte
	submitted []spec.Job
	providers []api.Provider
}

var _ gateway.Backend = (*scriptedBackend)(nil)

// startGateway serves a gateway over a scripted backend whose jobs end as
// end says (completed with exit 0 when nil).
func startGateway(t *testing.T, end func(spec.Job) outcome) (*scriptedBackend, string) {
	t.Helper()
	if end == nil {
		end = func(spec.Job) outcome { return outcome{phase: api.PhaseCompleted} }
	}
	b := &scriptedBackend{
		outcome: end,
		steps:   make(map[string][]api.Job),
		logs:    make(map[string][]api.TaskLog),
		outputs: make(map[string][]outputFile),
		blobs:   make(map[string][]byte),
	}
	ts := httptest.NewServer(gateway.New(b).Handler())
	t.Cleanup(ts.Close)
	return b, ts.URL
}

func (b *scriptedBackend) last(id string) (*api.Job, error) {
	steps, ok := b.steps[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, gateway.ErrNotFound)
	}
	j := steps[len(steps)-1]
	return &j, nil
}

func (b *scriptedBackend) Node(context.Context) api.Node {
	return api.Node{Peer: "12D3KooWgateway", Version: "test"}
}

func (b *scriptedBackend) SubmitJob(_ context.Context, s spec.Job) (*api.Job, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var missing []spec.Problem
	if _, ok := b.blobs[s.Module]; s.Module != "" && !ok {
		missing = append(missing, spec.Problem{Path: "module", Message: "not uploaded"})
	}
	for i, in := range s.Inputs {
		if _, ok := b.blobs[in.Blob]; in.Blob != "" && !ok {
			missing = append(missing, spec.Problem{Path: fmt.Sprintf("inputs[%d].blob", i), Message: "not uploaded"})
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %w", gateway.ErrBlobNotFound, &spec.ValidationError{Problems: missing})
	}
	b.submitted = append(b.submitted, s)
	id := fmt.Sprintf("job-%d", len(b.order)+1)
	b.order = append(b.order, id)
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	j := api.Job{ID: id, Spec: s, Version: 1, Phase: api.PhaseQueued, CreatedAt: created, UpdatedAt: created}
	for i := range s.Shards {
		j.Tasks = append(j.Tasks, api.Task{ID: fmt.Sprintf("%s-%d", id, i), Shard: i, Phase: api.PhaseQueued})
	}
	j.Events = []api.Event{{Time: created, Phase: api.PhaseQueued, Message: "accepted"}}
	queued := j

	j.Version, j.Phase = 2, api.PhaseRunning
	j.Tasks = cloneTasks(j.Tasks, api.PhaseRunning)
	j.Events = append(append([]api.Event(nil), j.Events...), api.Event{Time: created.Add(time.Second), Phase: api.PhaseRunning, Message: "dispatched"})
	running := j

	o := b.outcome(s)
	j.Version, j.Phase, j.ExitCode, j.ErrorCode, j.Reason = 3, o.phase, o.exitCode, o.errorCode, o.reason
	j.Tasks = cloneTasks(j.Tasks, o.phase)
	for i := range j.Tasks {
		j.Tasks[i].Provider, j.Tasks[i].Price = "12D3KooWprovider0000000000", 42
	}
	j.Cost = int64(42 * len(j.Tasks))
	j.UpdatedAt = created.Add(2 * time.Second)
	j.Events = append(append([]api.Event(nil), j.Events...), api.Event{Time: j.UpdatedAt, Phase: o.phase, Message: "done"})
	b.steps[id] = []api.Job{queued, running, j}
	b.logs[id] = o.logs
	b.outputs[id] = o.outputs
	return &queued, nil
}

func cloneTasks(ts []api.Task, phase api.Phase) []api.Task {
	out := append([]api.Task(nil), ts...)
	for i := range out {
		out[i].Phase = phase
	}
	return out
}

func (b *scriptedBackend) GetJob(_ context.Context, id string) (*api.Job, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last(id)
}

func (b *scriptedBackend) ListJobs(_ context.Context, opts api.ListOptions) ([]api.Job, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []api.Job
	for _, id := range b.order {
		j, _ := b.last(id)
		if opts.Phase == "" || j.Phase == opts.Phase {
			out = append(out, *j)
		}
	}
	if opts.Limit > 0 && len(out) > opts.Limit {
		out = out[:opts.Limit]
	}
	return out, nil
}

func (b *scriptedBackend) CancelJob(_ context.Context, id, reason string) (*api.Job, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, err := b.last(id)
	if err != nil {
		return nil, err
	}
	if j.Phase.Terminal() {
		return nil, fmt.Errorf("job %s is already %s: %w", id, j.Phase, gateway.ErrConflict)
	}
	j.Version++
	j.Phase, j.Reason, j.ErrorCode = api.PhaseCancelled, reason, "cancelled"
	b.steps[id] = append(b.steps[id], *j)
	return j, nil
}

func (b *scriptedBackend) WaitJob(_ context.Context, id string, after uint64) (*api.Job, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	steps, ok := b.steps[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, gateway.ErrNotFound)
	}
	j := steps[min(int(after), len(steps)-1)]
	return &j, nil
}

func (b *scriptedBackend) JobLogs(_ context.Context, id string) (*api.Logs, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.last(id); err != nil {
		return nil, err
	}
	return &api.Logs{JobID: id, Tasks: b.logs[id]}, nil
}

func (b *scriptedBackend) JobOutputs(_ context.Context, id string) ([]api.OutputFile, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.last(id); err != nil {
		return nil, err
	}
	var out []api.OutputFile
	for _, f := range b.outputs[id] {
		out = append(out, api.OutputFile{Shard: f.shard, Path: f.path, Size: int64(len(f.data)), Hash: spec.BlobRef(f.data)})
	}
	return out, nil
}

func (b *scriptedBackend) OpenOutput(_ context.Context, id string, shard int, path string) (io.ReadCloser, int64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.outputs[id] {
		if f.shard == shard && f.path == path && !f.listedOnly {
			return io.NopCloser(bytes.NewReader(f.data)), int64(len(f.data)), nil
		}
	}
	return nil, 0, fmt.Errorf("output %s: %w", path, gateway.ErrNotFound)
}

func (b *scriptedBackend) PutBlob(_ context.Context, r io.Reader, max int64) (api.Blob, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return api.Blob{}, err
	}
	if int64(len(data)) > max {
		return api.Blob{}, gateway.ErrTooLarge
	}
	ref := spec.BlobRef(data)
	b.mu.Lock()
	b.blobs[ref] = data
	b.mu.Unlock()
	return api.Blob{Hash: ref, Size: int64(len(data))}, nil
}

func (b *scriptedBackend) Providers(context.Context) ([]api.Provider, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.providers, nil
}

// cli runs the opensky command line against the gateway at url.
func cli(t *testing.T, url, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb strings.Builder
	code = run(t.Context(), append([]string{"--api", url}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}
