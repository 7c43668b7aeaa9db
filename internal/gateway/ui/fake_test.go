package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// errNotFound stands for the gateway's ErrNotFound.
var errNotFound = errors.New("not found")

// errPaymentRequired stands for the gateway's ErrPaymentRequired.
var errPaymentRequired = errors.New("payment required")

// fakeBackend is an in-memory Backend for the pages' tests; tests change
// jobs with update, which wakes WaitJob.
type fakeBackend struct {
	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	jobs      map[string]*api.Job
	order     []string
	outputs   map[string][]api.OutputFile
	providers []api.Provider
	failList  error
	logs      map[string][]api.TaskLog
	blobs     map[string][]byte
	submitted []spec.Job // every spec SubmitJob accepted
	submitErr error      // SubmitJob fails with it when set
}

var (
	_ Backend   = (*fakeBackend)(nil)
	_ Submitter = (*fakeBackend)(nil)
	_ LogSource = (*fakeBackend)(nil)
)

func newFakeBackend() *fakeBackend {
	return &fakeBackend{
		changed: make(chan struct{}),
		jobs:    make(map[string]*api.Job),
		outputs: make(map[string][]api.OutputFile),
		logs:    make(map[string][]api.TaskLog),
		blobs:   make(map[string][]byte),
	}
}

func (f *fakeBackend) PutBlob(_ context.Context, r io.Reader, max int64) (api.Blob, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return api.Blob{}, err
	}
	if int64(len(data)) > max {
		return api.Blob{}, fmt.Errorf("blob over %d bytes", max)
	}
	ref := spec.BlobRef(data)
	f.mu.Lock()
	f.blobs[ref] = data
	f.mu.Unlock()
	return api.Blob{Hash: ref, Size: int64(len(data))}, nil
}

func (f *fakeBackend) SubmitJob(_ context.Context, s spec.Job) (*api.Job, error) {
	f.mu.Lock()
	err := f.submitErr
	_, known := f.blobs[s.Module]
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, &spec.ValidationError{Problems: []spec.Problem{{Path: "module", Message: "no such blob"}}}
	}
	f.mu.Lock()
	f.submitted = append(f.submitted, s)
	id := fmt.Sprintf("job-web-%d", len(f.submitted))
	f.mu.Unlock()
	j := api.Job{ID: id, Version: 1, Phase: api.PhaseQueued, CreatedAt: t0}
	j.Spec = s
	f.put(j)
	return &j, nil
}

// submissions returns the specs SubmitJob accepted.
func (f *fakeBackend) submissions() []spec.Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]spec.Job(nil), f.submitted...)
}

// setLogs replaces a job's logs.
func (f *fakeBackend) setLogs(id string, logs ...api.TaskLog) {
	f.mu.Lock()
	f.logs[id] = logs
	f.mu.Unlock()
}

func (f *fakeBackend) JobLogs(_ context.Context, id string) (*api.Logs, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[id]; !ok {
		return nil, fmt.Errorf("job %s: %w", id, errNotFound)
	}
	return &api.Logs{JobID: id, Tasks: append([]api.TaskLog(nil), f.logs[id]...)}, nil
}

// put stores a copy of j.
func (f *fakeBackend) put(j api.Job) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[j.ID]; !ok {
		f.order = append(f.order, j.ID)
	}
	f.jobs[j.ID] = &j
	close(f.changed)
	f.changed = make(chan struct{})
}

// advance moves a job to phase, bumping its version.
func (f *fakeBackend) advance(id string, phase api.Phase) {
	f.mu.Lock()
	j := *f.jobs[id]
	f.mu.Unlock()
	j.Phase = phase
	j.Version++
	j.Events = append(j.Events, api.Event{Time: j.CreatedAt.Add(time.Duration(j.Version) * time.Second), Phase: phase, Message: "now " + string(phase)})
	f.put(j)
}

func (f *fakeBackend) GetJob(_ context.Context, id string) (*api.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok {
		return nil, fmt.Errorf("job %s: %w", id, errNotFound)
	}
	c := *j
	return &c, nil
}

func (f *fakeBackend) ListJobs(_ context.Context, opts api.ListOptions) ([]api.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failList != nil {
		return nil, f.failList
	}
	var out []api.Job
	for _, id := range f.order {
		j := f.jobs[id]
		if opts.Phase != "" && j.Phase != opts.Phase {
			continue
		}
		out = append(out, *j)
		if opts.Limit > 0 && len(out) == opts.Limit {
			break
		}
	}
	return out, nil
}

func (f *fakeBackend) WaitJob(ctx context.Context, id string, after uint64) (*api.Job, error) {
	for {
		f.mu.Lock()
		j, ok := f.jobs[id]
		changed := f.changed
		var c api.Job
		if ok {
			c = *j
		}
		f.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("job %s: %w", id, errNotFound)
		}
		if c.Version > after || c.Phase.Terminal() {
			return &c, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return &c, nil
		}
	}
}

func (f *fakeBackend) JobOutputs(_ context.Context, id string) ([]api.OutputFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.jobs[id]; !ok {
		return nil, fmt.Errorf("job %s: %w", id, errNotFound)
	}
	return f.outputs[id], nil
}

func (f *fakeBackend) Providers(context.Context) ([]api.Provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.providers, nil
}

// fakeChain answers the chain queries the pages make.
type fakeChain struct {
	info      api.ChainInfo
	market    ledger.Market
	supply    ledger.SupplyView
	providers []ledger.ProviderView
	err       error // every call fails with it when set
}

var _ Chain = (*fakeChain)(nil)

func (c *fakeChain) ChainInfo(context.Context) (api.ChainInfo, error) {
	if c.err != nil {
		return api.ChainInfo{}, c.err
	}
	return c.info, nil
}

func (c *fakeChain) ChainQuery(_ context.Context, path string) (json.RawMessage, error) {
	if c.err != nil {
		return nil, c.err
	}
	var v any
	switch path {
	case ledger.QueryMarket:
		v = c.market
	case ledger.QuerySupply:
		v = c.supply
	case ledger.QueryProviders:
		v = c.providers
	default:
		return nil, fmt.Errorf("query %s: %w", path, errNotFound)
	}
	return json.Marshal(v)
}
