package orchestrator

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/blob"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// MaxBlobBytes is the largest module or input file a job can use.
const MaxBlobBytes = 48 << 20

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func newJobID() string {
	var b [10]byte
	rand.Read(b[:])
	return "j-" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}

func taskID(jobID string, shard, replica int) string {
	return fmt.Sprintf("%s.%d.%d", jobID, shard, replica)
}

// SubmitJob accepts a job. The spec is defaulted and validated again here:
// the orchestrator never trusts its caller to have done it. The account
// the gateway authenticated (gateway.AccountFrom(ctx)) owns the job; on a
// network that charges, only that account's escrow may pay for it, and a
// job without an account is refused.
func (o *Orchestrator) SubmitJob(ctx context.Context, s spec.Job) (*api.Job, error) {
	o.serving.RLock()
	closed := o.closed
	o.serving.RUnlock()
	if o.ctx == nil || o.ctx.Err() != nil || closed {
		return nil, fmt.Errorf("orchestrator is not running: %w", gateway.ErrUnavailable)
	}
	s.Default()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := s.RequireResolved(); err != nil {
		return nil, err
	}
	if err := o.checkBlobs(&s); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	j := &api.Job{ID: newJobID(), CreatedAt: now, UpdatedAt: now}
	j.Owner, _ = gateway.AccountFrom(ctx)
	if o.cfg.Payments != nil {
		// The escrow is bound to the job before the job exists: a job
		// that is never stored leaves an assigned escrow, which its owner
		// gets back when it expires.
		pay, maxPrice, err := o.hold(ctx, &s, j.ID, j.Owner)
		if err != nil {
			return nil, err
		}
		j.Payment, s.MaxPrice = pay, spec.MicroUSD(maxPrice)
	}
	j.Spec = s
	for shard := range s.Shards {
		for replica := range s.Replicas {
			j.Tasks = append(j.Tasks, api.Task{ID: taskID(j.ID, shard, replica), Shard: shard, Replica: replica, Phase: api.PhaseQueued})
		}
	}
	event(j, api.PhaseQueued, fmt.Sprintf("accepted: %d shard(s) × %d replica(s)", s.Shards, s.Replicas))
	if j.Payment != nil {
		event(j, "", fmt.Sprintf("escrow %s holds %s; the job may cost up to %s", j.Payment.Escrow, ledger.FormatUSD(j.Payment.Budget), ledger.FormatUSD(int64(s.MaxPrice))))
	}
	j.Version = 1
	// Matching starts while the record is being written; the job is only
	// acknowledged once it is on disk. A crash in between loses a job no
	// one was told about, and at worst a task that ran for nothing.
	if err := o.store.put(j, false); err != nil {
		if j.Payment != nil {
			o.release(j.Payment.Escrow, j.ID)
		}
		return nil, fmt.Errorf("persist job: %w", err)
	}
	js := newJobState(j)
	ctx, cancel := o.prepare(js)
	o.mu.Lock()
	o.jobs[j.ID] = js
	o.mu.Unlock()
	o.log.Debug("job accepted", "job", j.ID, "engine", s.Engine, "shards", s.Shards, "replicas", s.Replicas)
	o.launch(ctx, cancel, js)
	if err := o.store.barrier(); err != nil {
		// The job's goroutine ends it as cancelled, which settles (and so
		// refunds) its escrow.
		js.cancel("the job could not be stored")
		return nil, fmt.Errorf("persist job: %w", err)
	}
	rec, _ := js.snapshot()
	return rec, nil
}

// checkBlobs makes sure every blob the job references was uploaded.
func (o *Orchestrator) checkBlobs(s *spec.Job) error {
	var missing []api.Problem
	if s.Module != "" && !o.blobs.Has(s.Module) {
		missing = append(missing, api.Problem{Path: "module", Message: s.Module + " was not uploaded"})
	}
	for i, in := range s.Inputs {
		if in.Blob != "" && !o.blobs.Has(in.Blob) {
			missing = append(missing, api.Problem{Path: fmt.Sprintf("inputs[%d].blob", i), Message: in.Blob + " was not uploaded"})
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ve := &spec.ValidationError{}
	for _, p := range missing {
		ve.Problems = append(ve.Problems, spec.Problem{Path: p.Path, Message: p.Message})
	}
	return fmt.Errorf("%w: %w", gateway.ErrBlobNotFound, ve)
}

// PutBlob stores an uploaded module or input file.
func (o *Orchestrator) PutBlob(ctx context.Context, r io.Reader, max int64) (api.Blob, error) {
	// A blob travels to providers in one message (base64 in JSON), so it
	// may not exceed what that message can carry.
	ref, n, err := o.blobs.Put(ctx, r, min(max, MaxBlobBytes))
	if errors.Is(err, blob.ErrTooLarge) {
		return api.Blob{}, fmt.Errorf("%w: %w", gateway.ErrTooLarge, err)
	}
	if err != nil {
		return api.Blob{}, err
	}
	return api.Blob{Hash: ref, Size: n}, nil
}
