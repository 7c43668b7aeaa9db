package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// fakeBackend is an in-memory Backend for the gateway's unit tests. Tests
// drive jobs through their phases with advance and finishTask.
type fakeBackend struct {
	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	jobs      map[string]*api.Job
	order     []string
	logs      map[string][]api.TaskLog
	outputs   map[string]map[string][]byte // job -> "shard/path" -> bytes
	blobs     map[string][]byte
	providers []api.Provider
	waiters   int // WaitJob calls in progress

	submitErr error
	panicOn   string // method name that panics
	submitted []spec.Job
}

var _ Backend = (*fakeBackend)(nil)

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		changed: make(chan struct{}),
		jobs:    make(map[string]*api.Job),
		logs:    make(map[string][]api.TaskLog),
		outputs: make(map[string]map[string][]byte),
		blobs:   make(map[string][]byte),
	}
}

func (f *fakeBackend) maybePanic(method string) {
	if f.panicOn == method {
		panic("fake backend: " + method)
	}
}

// notify wakes every waiter; f.mu is held.
func (f *fakeBackend) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// addJob stores a job in the given phase with n tasks and returns its id.
func (f *fakeBackend) addJob(phase api.Phase, tasks int) string {
	return f.addOwnedJob("", phase, tasks)
}

// addOwnedJob stores a job of owner in the given phase with n tasks and
// returns its id.
func (f *fakeBackend) addOwnedJob(owner string, phase api.Phase, tasks int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("job-%d", len(f.order)+1)
	j := &api.Job{ID: id, Owner: owner, Version: 1, Phase: phase, CreatedAt: time.Unix(1700000000, 0).UTC()}
	j.Spec.Shards = tasks
	for i := range tasks {
		j.Tasks = append(j.Tasks, api.Task{ID: fmt.Sprintf("%s-t%d", id, i), Shard: i, Phase: phase})
	}
	f.jobs[id] = j
	f.order = append(f.order, id)
	f.notify()
	return id
}

// advance moves a job to phase and bumps its version.
func (f *fakeBackend) advance(id string, phase api.Phase) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs[id]
	j.Phase = phase
	j.Version++
	j.Events = append(j.Events, api.Event{Phase: phase, Message: "now " + string(phase)})
	f.notify()
}

// finishTask records task i of a job as completed with its output.
func (f *fakeBackend) finishTask(id string, i int, stdout string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs[id]
	t := &j.Tasks[i]
	t.Phase = api.PhaseCompleted
	j.Version++
	f.logs[id] = append(f.logs[id], api.TaskLog{TaskID: t.ID, Shard: t.Shard, Stdout: stdout})
	f.notify()
}

func (f *fakeBackend) waiting() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.waiters
}

func (f *fakeBackend) Node(context.Context) api.Node {
	f.maybePanic("Node")
	return api.Node{Peer: "12D3KooWfake", Addrs: []string{"/ip4/127.0.0.1/tcp/4001"}, Version: "test"}
}

func (f *fakeBackend) SubmitJob(ctx context.Context, s spec.Job) (*api.Job, error) {
	f.maybePanic("SubmitJob")
	if f.submitErr != nil {
		return nil, f.submitErr
	}
	owner, _ := AccountFrom(ctx)
	id := f.addOwnedJob(owner, api.PhaseQueued, s.Shards)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.submitted = append(f.submitted, s)
	f.jobs[id].Spec = s
	j := *f.jobs[id]
	return &j, nil
}

func (f *fakeBackend) GetJob(_ context.Context, id string) (*api.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	c := *j
	return &c, nil
}

func (f *fakeBackend) ListJobs(_ context.Context, opts api.ListOptions) ([]api.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []api.Job
	for _, id := range f.order {
		j := f.jobs[id]
		if opts.Phase != "" && j.Phase != opts.Phase || opts.Owner != "" && j.Owner != opts.Owner {
			continue
		}
		out = append(out, *j)
		if opts.Limit > 0 && len(out) == opts.Limit {
			break
		}
	}
	return out, nil
}

func (f *fakeBackend) CancelJob(_ context.Context, id, reason string) (*api.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if j.Phase.Terminal() {
		return nil, fmt.Errorf("job %s is already %s: %w", id, j.Phase, ErrConflict)
	}
	j.Phase, j.Reason, j.ErrorCode = api.PhaseCancelled, reason, "cancelled"
	j.Version++
	f.notify()
	c := *j
	return &c, nil
}

func (f *fakeBackend) WaitJob(ctx context.Context, id string, after uint64) (*api.Job, error) {
	f.mu.Lock()
	f.waiters++
	defer func() {
		f.mu.Lock()
		f.waiters--
		f.mu.Unlock()
	}()
	for {
		j, ok := f.jobs[id]
		if !ok {
			f.mu.Unlock()
			return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
		}
		c := *j
		changed := f.changed
		f.mu.Unlock()
		if c.Version > after || c.Phase.Terminal() {
			return &c, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return &c, nil
		}
		f.mu.Lock()
	}
}

func (f *fakeBackend) JobLogs(_ context.Context, id string) (*api.Logs, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[id]; !ok {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	return &api.Logs{JobID: id, Tasks: append([]api.TaskLog(nil), f.logs[id]...)}, nil
}

func (f *fakeBackend) JobOutputs(_ context.Context, id string) ([]api.OutputFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[id]; !ok {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	var out []api.OutputFile
	for k, data := range f.outputs[id] {
		shard, p, _ := strings.Cut(k, "/")
		var n int
		fmt.Sscan(shard, &n)
		out = append(out, api.OutputFile{Shard: n, Path: p, Size: int64(len(data)), Hash: spec.BlobRef(data)})
	}
	return out, nil
}

func (f *fakeBackend) OpenOutput(_ context.Context, id string, shard int, path string) (io.ReadCloser, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.outputs[id][fmt.Sprintf("%d/%s", shard, path)]
	if !ok {
		return nil, 0, fmt.Errorf("output %s: %w", path, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(data)), int64(len(data)), nil
}

func (f *fakeBackend) PutBlob(ctx context.Context, r io.Reader, max int64) (api.Blob, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return api.Blob{}, fmt.Errorf("read blob: %w", err)
	}
	if int64(len(data)) > max {
		return api.Blob{}, fmt.Errorf("blob exceeds %d bytes: %w", max, ErrTooLarge)
	}
	ref := spec.BlobRef(data)
	f.mu.Lock()
	f.blobs[ref] = data
	f.mu.Unlock()
	return api.Blob{Hash: ref, Size: int64(len(data))}, nil
}

func (f *fakeBackend) Providers(context.Context) ([]api.Provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.providers, nil
}
