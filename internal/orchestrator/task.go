package orchestrator

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/pricing"
	"github.com/opensky-network/opensky/internal/spec"
)

// taskRun is a dispatched task waiting for its result.
type taskRun struct {
	jobID string
	// taskID is the attempt's ID (what the provider knows), recordID the
	// task's ID in the job record.
	taskID    string
	recordID  string
	idx       int
	replica   int
	timeoutMs int64
	shard     int
	provider  peer.ID
	// boot is the provider's boot time when it took the task; a new boot
	// means it restarted and lost the task.
	boot int64
	// price is the provider's bid (micro-USD per CPU-second) and minPrice
	// its announced floor; a receipt may not charge more than they allow.
	price, minPrice int64
	res             wire.Capacity
	blobs           map[string]bool // blobs the provider may fetch for this task
	// result receives the task's outcome once its result is recorded.
	result chan taskOutcome
	// live is what the task has written so far.
	live liveOutput
	// stagingFor and pullFor bound the phases before the run (pullFor is
	// zero for engines with no image).
	stagingFor, pullFor time.Duration
	// ph is the phase the provider last reported; phased wakes await
	// when it changes.
	phaseMu sync.Mutex
	ph      runPhase
	phased  chan struct{}
}

// runTask drives one task: match, dispatch, await its result. A task
// whose provider is lost is matched again on another provider, after a
// backoff, until it has used MaxAttempts dispatches.
func (o *Orchestrator) runTask(ctx context.Context, js *jobState, idx int) taskOutcome {
	rec, _ := js.snapshot()
	t := rec.Tasks[idx]
	if t.Phase.Terminal() {
		// Its result arrived while the job was being resumed.
		return taskOutcome{idx: idx, failed: t.Phase == api.PhaseFailed, code: t.ErrorCode, reason: t.Error}
	}
	js.mu.Lock()
	run := js.resumed[idx]
	delete(js.resumed, idx)
	js.mu.Unlock()
	for {
		if run == nil {
			var out *taskOutcome
			run, out = o.place(ctx, js, idx)
			if out != nil {
				return o.endTask(js, idx, *out)
			}
		}
		out := o.await(ctx, js, idx, run)
		if !out.lost {
			return out
		}
		if !o.reschedule(ctx, js, idx, run, &out) {
			return o.endTask(js, idx, out)
		}
		run = nil
	}
}

func (o *Orchestrator) newRun(j *api.Job, idx int, p peer.ID, attempt string) *taskRun {
	s := &j.Spec
	run := &taskRun{
		jobID: j.ID, taskID: attempt, recordID: j.Tasks[idx].ID, idx: idx, shard: j.Tasks[idx].Shard, replica: j.Tasks[idx].Replica, provider: p,
		timeoutMs: time.Duration(s.Resources.Timeout).Milliseconds(),
		res:       resources(s),
		blobs:     map[string]bool{},
		result:    make(chan taskOutcome, 1),
		phased:    make(chan struct{}, 1),
		ph:        runPhase{api.PhaseStaging, time.Now()},
	}
	run.stagingFor, run.pullFor = o.phaseBounds(s)
	if s.Module != "" {
		run.blobs[s.Module] = true
	}
	if r := s.Reduce; r != nil && r.Module != "" && isReduce(j, j.Tasks[idx]) {
		run.blobs[r.Module] = true
	}
	inputs, err := o.taskInputs(j, j.Tasks[idx])
	if err != nil {
		o.log.Warn("task inputs", "task", j.Tasks[idx].ID, "err", err)
	}
	for _, in := range inputs {
		if in.Blob != "" {
			run.blobs[in.Blob] = true
		}
	}
	return run
}

func resources(s *spec.Job) wire.Capacity {
	return wire.Capacity{
		MilliCPU:    int64(s.Resources.CPU),
		MemoryBytes: int64(s.Resources.Memory),
		DiskBytes:   int64(s.Resources.Disk),
		GPUs:        int64(s.Resources.GPU),
	}
}

// place finds a provider for the task and dispatches it there. It retries
// until MatchTimeout, waking when presence changes or capacity frees up.
func (o *Orchestrator) place(ctx context.Context, js *jobState, idx int) (*taskRun, *taskOutcome) {
	rec, _ := js.snapshot()
	s := &rec.Spec
	t := rec.Tasks[idx]
	req := &selection.Request{
		Engine:      string(s.Engine),
		Resources:   resources(s),
		TimeoutMs:   time.Duration(s.Resources.Timeout).Milliseconds(),
		Constraints: s.Constraints,
		FreshWithin: o.cfg.PresenceTimeout,
		Arch:        s.Arch,
		// The floor applies only where reputations come from a chain.
		MinReputation: float64(s.MinReputation),
		Reputations:   o.cfg.Payments != nil,
		Placement:     s.Placement,
		Limit:         o.cfg.BidFanout,
		Sample:        selection.DefaultSample,
	}
	if s.MaxPrice > 0 {
		req.MaxPrice = int64(s.MaxPrice) / int64(plannedExecutions(s, len(rec.Tasks)))
	}
	matchFor := o.cfg.MatchTimeout
	if m := time.Duration(s.Timeouts.Matching); m > 0 {
		matchFor = m
	}
	deadline := time.Now().Add(matchFor)
	backoff := time.Millisecond
	declined := map[string]string{}
	for {
		// Take the wake-up channels before looking, so that nothing that
		// happens while we look is missed.
		presenceChanged, freed := o.presence.wait(), o.capacityFreed()
		req.Now = time.Now()
		req.Exclude = o.replicaHolders(js, t.Shard, idx)
		req.ExcludeOwners = o.reg.ownersOf(req.Exclude)
		cands := o.payable(ctx, o.presence.candidates(o.inflight), declined)
		out := o.pipeline.Select(req, slices.Clone(cands))
		if len(out.Ranked) == 0 {
			// Providers that lost this task before are avoided, not
			// banned: when no one else can take it, a provider that is
			// back (slow under load, or restarted) may try again. Holders
			// of the shard's other replicas stay excluded.
			if holders := o.shardHolders(js, t.Shard, idx); len(holders) < len(req.Exclude) {
				req.Exclude, req.ExcludeOwners = holders, o.reg.ownersOf(holders)
				out = o.pipeline.Select(req, cands)
			}
		}
		for i, c := range out.Ranked {
			if i == o.cfg.BidFanout {
				break
			}
			if !js.claim(t.Shard, idx, c.Peer) {
				declined[c.Peer] = "holds another replica of the shard"
				continue
			}
			// Replicas placed at the same moment must not share an owner
			// either: one account running two "independent" replicas
			// could agree with itself.
			owner := ""
			if c.Owner != "" {
				owner = "owner:" + c.Owner
				if !js.claim(t.Shard, idx, owner) {
					js.release(t.Shard, idx, c.Peer)
					declined[c.Peer] = "its owner holds another replica of the shard"
					continue
				}
			}
			run, why := o.tryProvider(ctx, js, idx, req, c)
			if run != nil {
				return run, nil
			}
			js.release(t.Shard, idx, c.Peer)
			if owner != "" {
				js.release(t.Shard, idx, owner)
			}
			declined[c.Peer] = why
		}
		if err := ctx.Err(); err != nil {
			out := o.stopped(ctx)
			return nil, &out
		}
		if time.Now().After(deadline) {
			out := taskFailure("no_providers", "no provider accepted the task within %s: %s", matchFor, summarize(out.Rejected(), declined))
			return nil, &out
		}
		timer := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
		case <-presenceChanged:
		case <-freed:
		case <-timer.C:
		}
		timer.Stop()
		backoff = min(backoff*2, 250*time.Millisecond)
	}
}

// tryProvider asks one candidate for a bid and dispatches to it when it
// accepts. It returns the registered run, or why the provider was passed.
func (o *Orchestrator) tryProvider(ctx context.Context, js *jobState, idx int, req *selection.Request, c selection.Ranked) (*taskRun, string) {
	pid, err := peer.Decode(c.Peer)
	if err != nil {
		return nil, "bad peer id"
	}
	rec, _ := js.snapshot()
	t := rec.Tasks[idx]
	attempt := newAttemptID(t.ID)
	bctx, cancel := context.WithTimeout(ctx, o.cfg.BidTimeout)
	defer cancel()
	var bid wire.Bid
	err = o.net.Call(bctx, pid, wire.ProtocolBid, &wire.BidRequest{
		JobID: rec.ID, TaskID: attempt, Engine: req.Engine, Resources: req.Resources,
		TimeoutMs: req.TimeoutMs, MaxPrice: req.MaxPrice,
	}, &bid, wire.MaxControlMessage)
	switch {
	case err != nil:
		return nil, "bid failed: " + err.Error()
	case !bid.Accept:
		return nil, "declined: " + bid.Reason
	case bid.TaskID != attempt:
		return nil, "bid for another task"
	case bid.Price < 0 || bid.Price > ledger.MaxAmount || c.Presence.MinPrice < 0 || c.Presence.MinPrice > ledger.MaxAmount:
		return nil, "price out of range"
	case req.MaxPrice > 0 && pricing.WorstCase(bid.Price, 0, req.Resources.MilliCPU, req.TimeoutMs) > req.MaxPrice:
		return nil, "bid over the price cap"
	}
	run := o.newRun(rec, idx, pid, attempt)
	run.boot, run.price, run.minPrice = c.Presence.Boot, bid.Price, c.Presence.MinPrice
	ts, err := o.taskSpec(rec, idx, attempt)
	if err != nil {
		return nil, err.Error()
	}
	o.register(run)
	var ack wire.DispatchAck
	dispatched := time.Now().UTC()
	dctx, dcancel := context.WithTimeout(ctx, o.cfg.BidTimeout)
	defer dcancel()
	err = o.net.Call(dctx, pid, wire.ProtocolDispatch, &wire.Dispatch{Task: ts, Price: bid.Price}, &ack, wire.MaxControlMessage)
	if err != nil || !ack.Accepted {
		o.unregister(run)
		if err != nil {
			// The provider may have taken it anyway: stop that attempt,
			// and do not offer it the task again.
			o.sendCancel(run, fmt.Errorf("dispatch not confirmed: %w", err))
			o.touch(js, func(j *api.Job) bool {
				tk := &j.Tasks[idx]
				openAttempt(tk, attempt, c.Peer, dispatched)
				closeAttempt(tk, attempt, "", codeDispatchUnconfirmed, err.Error())
				return true
			})
			return nil, "dispatch failed: " + err.Error()
		}
		return nil, "dispatch refused: " + ack.Reason
	}
	// Not awaited: if it is lost in a crash, the task is dispatched again
	// and the first provider's late result is refused as unknown.
	o.touch(js, func(j *api.Job) bool {
		tk := &j.Tasks[idx]
		if !tk.Phase.Terminal() {
			// A fast provider's result (or phase report) may already be
			// recorded.
			tk.Phase = run.currentPhase().phase
		}
		tk.Provider, tk.StartedAt, tk.Attempt = c.Peer, dispatched, attempt
		tk.ProviderBoot, tk.BidPrice, tk.MinPrice = run.boot, run.price, run.minPrice
		tk.Attempts++
		if attemptOf(tk, attempt) == nil {
			openAttempt(tk, attempt, c.Peer, dispatched)
		}
		advance(j, api.PhaseStaging, "staging inputs")
		return true
	})
	return run, ""
}

// taskSpec builds the wire form of task idx.
func (o *Orchestrator) taskSpec(j *api.Job, idx int, attempt string) (wire.TaskSpec, error) {
	s := &j.Spec
	t := j.Tasks[idx]
	ts := wire.TaskSpec{
		JobID: j.ID, TaskID: attempt, Shard: t.Shard, Shards: s.Shards, Replica: t.Replica,
		Engine: string(s.Engine), ModuleHash: s.Module, Image: s.Image,
		Entrypoint: s.Entrypoint, WorkingDir: s.WorkingDir, Network: s.Network, State: s.State, Args: s.Args, Env: s.Env,
		Resources: resources(s), TimeoutMs: time.Duration(s.Resources.Timeout).Milliseconds(),
		Seed: Seed(j.ID, t.Shard),
	}
	staging, pull := o.phaseBounds(s)
	ts.StagingTimeoutMs, ts.PullTimeoutMs = staging.Milliseconds(), pull.Milliseconds()
	if s.Stdin != "" {
		ts.Stdin = []byte(s.Stdin)
	}
	for _, out := range s.Outputs {
		ts.Outputs = append(ts.Outputs, out.Path)
	}
	if isReduce(j, t) {
		// The reduce step runs as one more shard, numbered Shards, with its
		// own program and every shard's outputs as its inputs.
		r := s.Reduce
		ts.Shards, ts.Seed = s.Shards+1, Seed(j.ID, s.Shards)
		if r.Module != "" {
			ts.ModuleHash = r.Module
		}
		if r.Image != "" {
			ts.Image = r.Image
		}
		ts.Args, ts.Env, ts.Stdin = r.Args, withEnv(r.Env, EnvReduce, "1"), nil
	} else if s.Split != "" {
		ts.Env = withEnv(s.Env, EnvInputSplit, s.Split)
	}
	inputs, err := o.taskInputs(j, t)
	if err != nil {
		return ts, err
	}
	inlined := int64(0)
	for _, in := range inputs {
		switch {
		case in.Blob == "":
			ts.Inputs = append(ts.Inputs, wire.File{Path: in.Name, Data: []byte(in.Content)})
		default:
			size, err := o.blobs.Size(in.Blob)
			if err != nil {
				return ts, fmt.Errorf("input %s: %w", in.Name, err)
			}
			if size <= o.cfg.InlineInputBytes && inlined+size <= 2<<20 {
				data, err := o.blobs.Read(in.Blob)
				if err != nil {
					return ts, fmt.Errorf("input %s: %w", in.Name, err)
				}
				inlined += size
				ts.Inputs = append(ts.Inputs, wire.File{Path: in.Name, Data: data})
				continue
			}
			ts.InputRefs = append(ts.InputRefs, wire.BlobRef{Path: in.Name, Hash: in.Blob, Size: size})
		}
	}
	return ts, nil
}

// newAttemptID names one dispatch of a task.
func newAttemptID(task string) string {
	var b [4]byte
	rand.Read(b[:])
	return task + "-" + strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// Seed derives a task's random seed from its job and shard, so that the
// replicas of a shard see the same randomness.
func Seed(jobID string, shard int) uint64 {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", jobID, shard))
	return binary.BigEndian.Uint64(sum[:8])
}

// phaseBounds are the staging and pulling bounds of the job's tasks:
// the job's own, else the orchestrator's defaults. Only engine docker
// pulls.
func (o *Orchestrator) phaseBounds(s *spec.Job) (staging, pull time.Duration) {
	staging = o.cfg.StagingTimeout
	if d := time.Duration(s.Timeouts.Staging); d > 0 {
		staging = d
	}
	if s.Engine == spec.EngineDocker {
		pull = o.cfg.PullTimeout
		if d := time.Duration(s.Timeouts.Pulling); d > 0 {
			pull = d
		}
	}
	return staging, pull
}

// replicaHolders lists the providers task self may not go to: those
// already holding another replica of the shard, and those that lost the
// task before or never confirmed its dispatch.
func (o *Orchestrator) replicaHolders(js *jobState, shard, self int) map[string]bool {
	rec, _ := js.snapshot()
	out := o.shardHolders(js, shard, self)
	avoided(&rec.Tasks[self], out)
	return out
}

// shardHolders lists the providers holding the shard's other executions.
func (o *Orchestrator) shardHolders(js *jobState, shard, self int) map[string]bool {
	rec, _ := js.snapshot()
	out := map[string]bool{}
	for i, t := range rec.Tasks {
		if i != self && t.Shard == shard && t.Provider != "" {
			out[t.Provider] = true
		}
	}
	return out
}

// await waits for a dispatched task's result, its cancellation, or the
// loss of its provider. A lost provider's attempt is closed and returned
// as lost: the caller decides whether the task is matched again. Its
// late result is then refused as unknown, since every attempt has an ID
// of its own.
func (o *Orchestrator) await(ctx context.Context, js *jobState, idx int, run *taskRun) taskOutcome {
	tick := time.NewTicker(max(o.cfg.PresenceTimeout/4, 10*time.Millisecond))
	defer tick.Stop()
	// A provider that is alive but never delivers (it lost the task, or
	// gave up delivering) must not hold the job forever; each phase it
	// reports sets the deadline from the bounds of the phases ahead.
	deadline := time.NewTimer(time.Until(o.resultDeadline(run)))
	defer deadline.Stop()
	// giveUp ends the attempt for a reason of ours, unless its result was
	// recorded in the meantime, which then stands.
	giveUp := func(out taskOutcome, cancelProvider bool) taskOutcome {
		if !o.unregister(run) {
			return <-run.result
		}
		if cancelProvider {
			o.sendCancel(run, errors.New(out.reason))
		}
		out.idx, out.lost = idx, true
		o.update(js, func(j *api.Job) bool {
			closeAttempt(&j.Tasks[idx], run.taskID, "", out.code, out.reason)
			return true
		})
		return out
	}
	for {
		select {
		case out := <-run.result:
			return out
		case <-run.phased:
			deadline.Reset(time.Until(o.resultDeadline(run)))
		case <-ctx.Done():
			if !o.unregister(run) {
				return <-run.result
			}
			if o.ctx.Err() == nil {
				o.sendCancel(run, context.Cause(ctx))
			}
			return o.endTask(js, idx, o.stopped(ctx))
		case <-deadline.C:
			ph := run.currentPhase()
			return giveUp(taskFailure(codeResultTimeout, "provider %s sent no result within the bounds of the task's phases and %s (it was %s since %s)",
				shortPeer(run.provider.String()), o.cfg.ResultGrace, ph.phase, ph.at.UTC().Format(time.RFC3339)), true)
		case <-tick.C:
			p := run.provider.String()
			if since := time.Since(o.presence.lastSeen(p)); since > o.cfg.PresenceTimeout {
				return giveUp(taskFailure(codeProviderLost, "provider %s stopped answering (no presence for %s)", shortPeer(p), since.Round(time.Millisecond)), false)
			}
			if o.presence.restarted(p, run.boot) {
				return giveUp(taskFailure(codeProviderLost, "provider %s restarted and lost the task", shortPeer(p)), false)
			}
		}
	}
}

// stopped says how a task ended when its context did.
func (o *Orchestrator) stopped(ctx context.Context) taskOutcome {
	var cc *cancelCause
	switch cause := context.Cause(ctx); {
	case o.ctx.Err() != nil:
		return taskOutcome{shutdown: true}
	case errors.As(cause, &cc):
		return taskOutcome{cancelled: true, code: "cancelled", reason: cc.reason}
	default:
		return taskOutcome{cancelled: true, code: "cancelled", reason: cause.Error()}
	}
}

func (o *Orchestrator) sendCancel(run *taskRun, cause error) {
	ctx, cancel := context.WithTimeout(o.ctx, o.cfg.BidTimeout)
	defer cancel()
	var ack wire.CancelAck
	tid := run.taskID
	if err := o.net.Call(ctx, run.provider, wire.ProtocolDispatch, &wire.Cancel{TaskID: tid, Reason: cause.Error()}, &ack, wire.MaxControlMessage); err != nil {
		o.log.Warn("cancel not delivered", "task", tid, "provider", run.provider, "err", err)
	}
}

// endTask records a task that ended without a result.
func (o *Orchestrator) endTask(js *jobState, idx int, out taskOutcome) taskOutcome {
	out.idx = idx
	if out.shutdown {
		return out
	}
	o.update(js, func(j *api.Job) bool {
		t := &j.Tasks[idx]
		if out.failed {
			t.Phase = api.PhaseFailed
		} else {
			t.Phase = api.PhaseCancelled
		}
		t.Error, t.ErrorCode, t.FinishedAt = out.reason, out.code, time.Now().UTC()
		if t.Attempt != "" {
			closeAttempt(t, t.Attempt, t.Phase, out.code, out.reason)
		}
		return true
	})
	return out
}

func summarize(rejected, declined map[string]string) string {
	if len(rejected)+len(declined) == 0 {
		return "no providers are online"
	}
	var parts []string
	for p, why := range rejected {
		parts = append(parts, shortPeer(p)+": "+why)
	}
	for p, why := range declined {
		parts = append(parts, shortPeer(p)+": "+why)
	}
	sort.Strings(parts)
	if len(parts) > 5 {
		parts = append(parts[:5], fmt.Sprintf("and %d more", len(parts)-5))
	}
	return strings.Join(parts, "; ")
}

func shortPeer(p string) string {
	if len(p) > 12 {
		return "…" + p[len(p)-8:]
	}
	return p
}
