package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/pricing"
	"github.com/opensky-network/opensky/internal/safepath"
	"github.com/opensky-network/opensky/internal/verify"
)

// Errors a provider gets back when its result is refused.
var (
	errNotYourTask   = errors.New("task was not dispatched to this provider")
	errReceiptSigner = errors.New("receipt not signed by the sending provider")
)

// handleResult receives a finished task from a provider: it checks the
// signed receipt against the task and the bytes received (the output root
// is recomputed here), stores outputs and logs, and hands the outcome to
// the task's goroutine.
func (o *Orchestrator) handleResult(ctx context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	var res wire.Result
	if err := req.Decode(&res); err != nil {
		return nil, err
	}
	var rc wire.Receipt
	signer, err := wire.Open(res.Receipt, wire.MaxControlMessage, &rc)
	if err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if signer != from || rc.Provider != from.String() {
		return nil, errReceiptSigner
	}
	leave, err := o.enter()
	if err != nil {
		return nil, err
	}
	defer leave()
	run := o.lookup(rc.TaskID)
	if run == nil {
		// Cancelled, failed over, or already recorded: nothing to pay.
		return &wire.ResultAck{TaskID: rc.TaskID, Known: false}, nil
	}
	if run.provider != from {
		return nil, errNotYourTask
	}
	if rc.JobID != run.jobID || rc.Shard != run.shard || rc.Replica != run.replica {
		return nil, fmt.Errorf("receipt names job %s shard %d replica %d, the task is %s shard %d replica %d", rc.JobID, rc.Shard, rc.Replica, run.jobID, run.shard, run.replica)
	}
	out := resultOutcome{receipt: rc, sealed: res.Receipt}
	if err := o.checkAndStore(run, &rc, &res); err != nil {
		out.failed, out.code, out.reason = true, "invalid_result", err.Error()
		out.receipt.Price = 0 // nothing is owed for a result that does not check
	} else if most := pricing.WorstCase(run.price, run.minPrice, run.res.MilliCPU, run.timeoutMs); rc.Price > most {
		out.failed, out.code, out.reason = true, "invalid_result", fmt.Sprintf("receipt charges %d µUSD, the bid allows at most %d", rc.Price, most)
		out.receipt.Price = 0
	} else if rc.Error != "" {
		out.failed, out.code, out.reason = true, nonEmpty(rc.ErrorCode, "task_error"), rc.Error
	}
	if !o.unregister(run) {
		return &wire.ResultAck{TaskID: rc.TaskID, Known: false}, nil
	}
	js := o.state(run.jobID)
	if js == nil {
		return &wire.ResultAck{TaskID: rc.TaskID, Known: false}, nil
	}
	// The result is on disk before the provider is told it may drop it.
	outcome, err := o.record(js, run.idx, out)
	if err != nil {
		// The task cannot be recorded (the store failed): end it rather
		// than leave it waiting for a result that was already consumed.
		run.result <- taskFailure("internal", "record result: %v", err)
		return nil, fmt.Errorf("record result: %w", err)
	}
	run.result <- outcome
	return &wire.ResultAck{TaskID: rc.TaskID, Known: true}, nil
}

// resultOutcome is a checked result, ready to be recorded.
type resultOutcome struct {
	receipt wire.Receipt
	sealed  []byte
	failed  bool
	code    string
	reason  string
}

// checkAndStore checks the receipt's output root against the bytes
// received, then keeps the files as the shard's outputs (the first replica
// to arrive wins; later ones are only compared) and stores the task's logs.
func (o *Orchestrator) checkAndStore(run *taskRun, rc *wire.Receipt, res *wire.Result) error {
	leaves := make([]verify.Leaf, len(res.Outputs))
	for i, f := range res.Outputs {
		if err := safepath.Check(f.Path); err != nil {
			return err
		}
		leaves[i] = verify.FileLeaf(f.Path, f.Data)
	}
	root, err := verify.ResultRoot(leaves, rc.ExitCode, res.Stdout, res.Stderr)
	if err != nil {
		return err
	}
	if root.String() != rc.OutputRoot {
		return fmt.Errorf("output root mismatch: receipt says %s, received bytes give %s", rc.OutputRoot, root)
	}
	if rc.Error == "" && len(res.Outputs) > 0 {
		if err := o.keepOutputs(run, res.Outputs); err != nil {
			return err
		}
	}
	return o.store.putLog(run.jobID, api.TaskLog{
		TaskID: run.recordID, Shard: run.shard, Replica: run.replica,
		Stdout: string(res.Stdout), Stderr: string(res.Stderr), Truncated: res.Truncated,
	})
}

// keepOutputs writes a task's files into a staging directory and renames
// it into place, so that they appear whole or not at all. Each replica
// keeps its own: verification decides whose become the shard's outputs
// (promoteOutputs), so a replica outvoted later never serves its files.
func (o *Orchestrator) keepOutputs(run *taskRun, files []wire.File) error {
	jobDir := filepath.Join(o.outputs, run.jobID)
	final := taskOutputDir(o.outputs, run.jobID, run.recordID)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(jobDir, ".stage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	for _, f := range files {
		p, err := safepath.Join(stage, f.Path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, final); err != nil && !isNotEmpty(err) {
		return err
	}
	return nil
}

// isNotEmpty reports a rename onto a shard directory another replica
// already filled.
func isNotEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

// record writes a task's checked result into the job, durably. A
// provider that says it shut down while running the task lost it: its
// attempt is closed and the task may be matched again; nothing of the
// receipt is kept, so nothing is paid for it.
func (o *Orchestrator) record(js *jobState, idx int, r resultOutcome) (taskOutcome, error) {
	rc := r.receipt
	if r.failed && r.code == codeProviderLost {
		err := o.update(js, func(j *api.Job) bool {
			t := &j.Tasks[idx]
			if attemptOf(t, rc.TaskID) == nil {
				openAttempt(t, rc.TaskID, rc.Provider, time.UnixMilli(rc.StartedMs).UTC())
			}
			closeAttempt(t, rc.TaskID, "", r.code, r.reason)
			return true
		})
		return taskOutcome{idx: idx, failed: true, lost: true, code: r.code,
			reason: fmt.Sprintf("provider %s: %s", shortPeer(rc.Provider), r.reason)}, err
	}
	err := o.update(js, func(j *api.Job) bool {
		t := &j.Tasks[idx]
		if attemptOf(t, rc.TaskID) == nil {
			openAttempt(t, rc.TaskID, rc.Provider, time.UnixMilli(rc.StartedMs).UTC())
		}
		if r.failed {
			closeAttempt(t, rc.TaskID, api.PhaseFailed, r.code, r.reason)
		} else {
			closeAttempt(t, rc.TaskID, api.PhaseCompleted, "", "")
		}
		t.ExitCode, t.OutputRoot, t.Receipt = rc.ExitCode, rc.OutputRoot, r.sealed
		t.CPUMs, t.WallMs, t.PeakMemory, t.Price = rc.Usage.CPUMs, rc.Usage.WallMs, rc.Usage.PeakMemory, rc.Price
		t.FinishedAt = time.Now().UTC()
		if r.failed {
			t.Phase, t.Error, t.ErrorCode = api.PhaseFailed, r.reason, r.code
		} else {
			t.Phase = api.PhaseCompleted
		}
		return true
	})
	if err != nil {
		return taskOutcome{}, err
	}
	if r.failed {
		return taskOutcome{idx: idx, failed: true, code: r.code, reason: fmt.Sprintf("shard %d: %s", rc.Shard, r.reason)}, nil
	}
	return taskOutcome{idx: idx}, nil
}

// handleBlob serves an uploaded blob to a provider that holds a task
// needing it, and to no one else.
func (o *Orchestrator) handleBlob(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	var br wire.BlobRequest
	if err := req.Decode(&br); err != nil {
		return nil, err
	}
	leave, err := o.enter()
	if err != nil {
		return nil, err
	}
	defer leave()
	if !o.mayFetch(from, br.Hash) {
		o.log.Debug("blob refused: no task of this provider needs it", "provider", from, "blob", br.Hash)
		return &wire.BlobResponse{Hash: br.Hash, Found: false}, nil
	}
	data, err := o.blobs.Read(br.Hash)
	if err != nil {
		return &wire.BlobResponse{Hash: br.Hash, Found: false}, nil
	}
	return &wire.BlobResponse{Hash: br.Hash, Found: true, Data: data}, nil
}

func (o *Orchestrator) mayFetch(p peer.ID, hash string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, run := range o.tasks {
		if run.provider == p && run.blobs[hash] {
			return true
		}
	}
	return false
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
