package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/pricing"
	"github.com/opensky-network/opensky/internal/safepath"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
)

// errStaging marks failures to prepare a task's inputs; errStagingTimeout
// and errPullTimeout a phase that outlived its bound.
var (
	errStaging        = errors.New("staging inputs")
	errStagingTimeout = errors.New("staging timed out")
	errPullTimeout    = errors.New("pulling the image timed out")
)

// execute stages, runs, hashes and reports one task. It always ends by
// pushing a signed receipt to the orchestrator, whatever happened.
func (p *Provider) execute(ctx context.Context, from peer.ID, d wire.Dispatch) {
	t := d.Task
	defer func() {
		p.mu.Lock()
		delete(p.running, t.TaskID)
		p.mu.Unlock()
	}()
	started := time.Now()
	dir, err := p.work.get()
	var res *executor.Result
	var runErr error
	if err != nil {
		runErr = err
	} else {
		defer p.work.put(dir)
		res, runErr = p.run(ctx, from, dir, &t)
	}
	p.adm.release(t.TaskID)

	rc := wire.Receipt{
		JobID: t.JobID, TaskID: t.TaskID, Shard: t.Shard, Replica: t.Replica,
		Provider: p.net.ID().String(), StartedMs: started.UnixMilli(), FinishedMs: time.Now().UnixMilli(),
	}
	result := wire.Result{}
	var files []wire.File
	if res != nil {
		rc.ExitCode, rc.OOMKilled = res.ExitCode, res.OOMKilled
		rc.Usage = wire.Usage{WallMs: res.Usage.WallTime.Milliseconds(), CPUMs: res.Usage.CPUTime.Milliseconds(), PeakMemory: res.Usage.PeakMemory}
		result.Stdout, result.Stderr, result.Truncated = res.Stdout, res.Stderr, res.Truncated
		if runErr == nil {
			var err error
			files, err = collect(filepath.Join(dir, "outputs"), t.Outputs, wire.MaxResult/2)
			if err != nil {
				runErr = fmt.Errorf("%w: %w", executor.ErrOutputLimit, err)
			}
		}
	}
	if runErr != nil {
		rc.Error, rc.ErrorCode = runErr.Error(), errorCode(runErr)
		if p.ctx.Err() != nil {
			rc.Error, rc.ErrorCode = "the provider shut down while the task was running", "provider_lost"
		}
		files = nil
	}
	leaves := make([]verify.Leaf, len(files))
	for i, f := range files {
		leaves[i] = verify.FileLeaf(f.Path, f.Data)
	}
	root, err := verify.ResultRoot(leaves, rc.ExitCode, result.Stdout, result.Stderr)
	if err != nil {
		rc.Error, rc.ErrorCode = err.Error(), "internal"
		files = nil
		root, _ = verify.ResultRoot(nil, rc.ExitCode, result.Stdout, result.Stderr)
	}
	rc.OutputRoot = root.String()
	rc.Price = pricing.Charge(d.Price, p.cfg.MinPrice,
		pricing.BillableCPUMs(rc.Usage.CPUMs, rc.Usage.WallMs, t.Resources.MilliCPU, t.TimeoutMs))
	sealed, err := wire.Seal(p.net.PrivKey(), &rc)
	if err != nil {
		p.log.Error("seal receipt", "task", t.TaskID, "err", err)
		return
	}
	result.Receipt, result.Outputs = sealed, files
	if b, err := wire.Marshal(&result); err != nil || len(b) > wire.MaxResult-wire.MaxControlMessage {
		// Too big for one message: report the task as over its output
		// limit, with a receipt that commits to no files.
		rc.Error, rc.ErrorCode = "outputs do not fit in one result message", "output_limit"
		root, _ = verify.ResultRoot(nil, rc.ExitCode, result.Stdout, result.Stderr)
		rc.OutputRoot = root.String()
		if sealed, err = wire.Seal(p.net.PrivKey(), &rc); err != nil {
			p.log.Error("seal receipt", "task", t.TaskID, "err", err)
			return
		}
		result.Receipt, result.Outputs = sealed, nil
	}
	p.deliver(from, &result, t.TaskID)
}

// run stages the task's inputs and module, makes sure its image is
// present, and runs it on its executor, reporting each phase to the
// orchestrator. Staging and pulling have their own time bounds; the
// task's timeout bounds only the run.
func (p *Provider) run(ctx context.Context, from peer.ID, dir string, t *wire.TaskSpec) (*executor.Result, error) {
	phases := p.newPhaseReporter(from, t.TaskID)
	defer phases.close()
	phases.report(wire.PhaseStaging, "")
	stagingFor := msOr(t.StagingTimeoutMs, p.cfg.StagingTimeout)
	sctx, cancelStaging := context.WithTimeout(ctx, stagingFor)
	defer cancelStaging()
	task, err := p.stage(sctx, from, dir, t)
	if err != nil {
		if ctx.Err() == nil && errors.Is(sctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: inputs not staged within %s: %w", errStagingTimeout, stagingFor, err)
		}
		return nil, err
	}
	cancelStaging()
	exec := p.execs[t.Engine]
	if prep, ok := exec.(executor.Preparer); ok {
		phases.report(wire.PhasePulling, t.Image)
		pullFor := msOr(t.PullTimeoutMs, p.cfg.PullTimeout)
		pctx, cancelPull := context.WithTimeout(ctx, pullFor)
		err := prep.Prepare(pctx, task)
		cancelPull()
		if err != nil {
			if ctx.Err() == nil && errors.Is(pctx.Err(), context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w: image %s not present within %s: %w", errPullTimeout, t.Image, pullFor, err)
			}
			return nil, err
		}
	}
	phases.report(wire.PhaseRunning, "")
	// Output goes to the orchestrator live as well; the last chunks are
	// sent before run returns, so before the result.
	lctx, stopLogs := context.WithCancel(ctx)
	var logs sync.WaitGroup
	for _, s := range []struct {
		name string
		dst  *io.Writer
	}{{"stdout", &task.Stdout}, {"stderr", &task.Stderr}} {
		l := p.newLiveLog(from, t.TaskID, s.name)
		*s.dst = l
		logs.Go(func() { l.run(lctx) })
	}
	defer logs.Wait()
	defer stopLogs()
	return exec.Run(ctx, task)
}

// msOr is ms milliseconds, or def when ms is not positive.
func msOr(ms int64, def time.Duration) time.Duration {
	if ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return def
}

// stage writes the task's inputs, fetching those carried by reference and
// the module, and builds the executor's task.
func (p *Provider) stage(ctx context.Context, from peer.ID, dir string, t *wire.TaskSpec) (*executor.Task, error) {
	in, out := filepath.Join(dir, "inputs"), filepath.Join(dir, "outputs")
	for _, f := range t.Inputs {
		if err := writeFile(in, f.Path, f.Data); err != nil {
			return nil, err
		}
	}
	for _, ref := range t.InputRefs {
		data, err := p.fetchBlob(ctx, from, ref.Hash)
		if err != nil {
			return nil, err
		}
		if err := writeFile(in, ref.Path, data); err != nil {
			return nil, err
		}
	}
	// Inputs are read-only to the task, and readable by the unprivileged
	// user a container runs as (the work directory above stays private).
	if len(t.Inputs)+len(t.InputRefs) > 0 {
		filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				os.Chmod(path, 0o444)
			} else if err == nil {
				os.Chmod(path, 0o755)
			}
			return nil
		})
	}
	task := &executor.Task{
		ID: t.TaskID, JobID: t.JobID, Shard: t.Shard, Shards: t.Shards,
		Engine: spec.Engine(t.Engine), ModuleHash: t.ModuleHash, Image: t.Image,
		Entrypoint: t.Entrypoint, WorkingDir: t.WorkingDir, Network: t.Network,
		Args: t.Args, Env: t.Env, Stdin: t.Stdin,
		Limits: executor.Limits{
			MilliCPU: t.Resources.MilliCPU, MemoryBytes: t.Resources.MemoryBytes,
			DiskBytes: t.Resources.DiskBytes, Timeout: time.Duration(t.TimeoutMs) * time.Millisecond,
			OutputBytes: p.cfg.OutputBytes,
			GPUs:        t.Resources.GPUs,
		},
		InputDir: in, OutputDir: out, Seed: t.Seed,
	}
	if t.State != "" {
		dir, err := p.stateDir(from, t.State)
		if err != nil {
			return nil, err
		}
		task.StateDir = dir
	}
	if t.ModuleHash != "" {
		mod, err := p.fetchBlob(ctx, from, t.ModuleHash)
		if err != nil {
			return nil, err
		}
		task.Module = mod
	}
	return task, nil
}

func writeFile(dir, rel string, data []byte) error {
	path, err := safepath.Join(dir, rel)
	if err != nil {
		return fmt.Errorf("%w: %w", errStaging, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("%w: %w", errStaging, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("%w: %w", errStaging, err)
	}
	return nil
}

// fetchBlob returns a blob from the local cache or, on a miss, from the
// peer that dispatched the task, checking it against its hash.
func (p *Provider) fetchBlob(ctx context.Context, from peer.ID, ref string) ([]byte, error) {
	if data, err := p.blobs.Read(ref); err == nil {
		return data, nil
	}
	var resp wire.BlobResponse
	// The orchestrator may be restarting: retry a failed transfer for a
	// while before giving up on the task.
	fctx, cancel := context.WithTimeout(ctx, p.cfg.DeliveryTimeout)
	defer cancel()
	for backoff := 50 * time.Millisecond; ; backoff = min(backoff*2, 2*time.Second) {
		err := p.net.Call(fctx, from, wire.ProtocolBlob, &wire.BlobRequest{Hash: ref}, &resp, wire.MaxBlob+wire.MaxControlMessage)
		if err == nil {
			break
		}
		p.log.Debug("fetch blob", "blob", ref, "err", err)
		select {
		case <-fctx.Done():
			return nil, fmt.Errorf("%w: fetch %s: %w", errStaging, ref, err)
		case <-time.After(backoff):
		}
	}
	if !resp.Found {
		return nil, fmt.Errorf("%w: %s is not available from the orchestrator", errStaging, ref)
	}
	if _, err := p.blobs.PutBytes(ref, resp.Data); err != nil {
		return nil, fmt.Errorf("%w: %w", errStaging, err)
	}
	return resp.Data, nil
}

// collect reads the task's output files: everything under dir, or only the
// listed paths (files or directories) when the job names outputs. The
// total is bounded.
func collect(dir string, want []string, max int64) ([]wire.File, error) {
	var files []wire.File
	var total int64
	keep := func(rel string) bool {
		if len(want) == 0 {
			return true
		}
		for _, w := range want {
			if rel == w || strings.HasPrefix(rel, w+"/") {
				return true
			}
		}
		return false
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: %w", rel, verify.ErrNotRegular)
		}
		if !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		total += int64(len(data))
		if total > max {
			return fmt.Errorf("outputs exceed %d bytes", max)
		}
		files = append(files, wire.File{Path: rel, Data: data})
		return nil
	})
	return files, err
}

// errorCode classifies why a task did not end by itself.
func errorCode(err error) string {
	switch {
	case errors.Is(err, executor.ErrInvalidModule):
		return "invalid_module"
	case errors.Is(err, executor.ErrTimeout):
		return "timeout"
	case errors.Is(err, executor.ErrMemoryLimit):
		return "memory_limit"
	case errors.Is(err, executor.ErrTrap):
		return "module_trap"
	case errors.Is(err, executor.ErrCancelled):
		return "cancelled"
	case errors.Is(err, executor.ErrOutputLimit):
		return "output_limit"
	case errors.Is(err, executor.ErrInvalidTask):
		return "invalid_task"
	case errors.Is(err, errStagingTimeout):
		return "staging_timeout"
	case errors.Is(err, errPullTimeout):
		return "pull_timeout"
	case errors.Is(err, errStaging):
		return "staging_failed"
	case errors.Is(err, executor.ErrRefused):
		return "policy_denied"
	case errors.Is(err, executor.ErrUnavailable):
		return "image_unavailable"
	default:
		return "internal"
	}
}

// deliver pushes a result to the orchestrator, retrying with backoff until
// it is acknowledged or DeliveryTimeout passes.
func (p *Provider) deliver(to peer.ID, res *wire.Result, taskID string) {
	parent, grace := p.ctx, p.cfg.DeliveryTimeout
	if p.ctx.Err() != nil {
		// Shutting down: one quick attempt, so the orchestrator learns why.
		parent, grace = context.WithoutCancel(p.ctx), time.Second
	}
	ctx, cancel := context.WithTimeout(parent, grace)
	defer cancel()
	backoff := 50 * time.Millisecond
	for {
		var ack wire.ResultAck
		err := p.net.Call(ctx, to, wire.ProtocolResult, res, &ack, wire.MaxControlMessage)
		if err == nil {
			if !ack.Known {
				p.log.Info("orchestrator no longer wants the result", "task", taskID)
			}
			return
		}
		var remote *p2p.RemoteError
		if errors.As(err, &remote) && remote.Code != wire.CodeUnavailable {
			p.log.Warn("result refused", "task", taskID, "err", err)
			return
		}
		p.log.Debug("deliver result", "task", taskID, "err", err)
		select {
		case <-ctx.Done():
			p.log.Warn("result undelivered", "task", taskID, "err", err)
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}
