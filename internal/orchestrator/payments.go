package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
)

// Payments is the chain as an orchestrator uses it: it is the arbiter of
// the escrows that pay for its jobs.
type Payments interface {
	// Arbiter is the orchestrator's account, which consumers name as
	// their escrows' arbiter.
	Arbiter() string
	// Height is the chain's latest height.
	Height(ctx context.Context) (int64, error)
	// FeeBps is the chain's protocol fee in basis points.
	FeeBps(ctx context.Context) (int64, error)
	// Escrow reads an escrow (ledger.ErrNotFound when there is none).
	Escrow(ctx context.Context, id string) (ledger.Escrow, error)
	// Assign binds an open escrow to a job on the chain.
	Assign(ctx context.Context, escrow, job string) error
	// Settle submits a settlement and returns the transaction's hash and
	// height.
	Settle(ctx context.Context, m ledger.MsgSettle) (hash string, height int64, err error)
	// Registered lists the peers registered as active providers, with
	// their reputation scores in (0, 1].
	Registered(ctx context.Context) (map[string]float64, error)
}

// hold checks that the escrow named by the spec can pay for the job and
// binds it to the job on the chain. It returns the job's payment record
// and the most its tasks may cost together.
//
// owner is the account the job is submitted as. Escrow IDs and their
// owners are public on the chain, so an escrow pays only for its own
// owner's jobs, and a job with no authenticated owner is paid by nobody:
// this is the one place that rule is kept, whatever the caller checked.
func (o *Orchestrator) hold(ctx context.Context, s *spec.Job, jobID, owner string) (*api.Payment, int64, error) {
	escrow, maxPrice := s.Escrow, int64(s.MaxPrice)
	pay := o.cfg.Payments
	if owner == "" {
		return nil, 0, fmt.Errorf("%w: this network charges for jobs: submit it as the account that locked the escrow (a signed request or an API token)", gateway.ErrPaymentRequired)
	}
	if escrow == "" {
		return nil, 0, fmt.Errorf("%w: this network charges for jobs and the spec names no escrow", gateway.ErrPaymentRequired)
	}
	e, err := pay.Escrow(ctx, escrow)
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, 0, fmt.Errorf("%w: escrow %s does not exist on the chain", gateway.ErrPaymentRequired, escrow)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read escrow %s: %w: %w", escrow, gateway.ErrUnavailable, err)
	}
	switch {
	case e.Owner != owner:
		return nil, 0, fmt.Errorf("%w: escrow %s was locked by account %s, not by %s, which submits the job: a job is paid only from its submitter's escrow",
			gateway.ErrPaymentRequired, escrow, e.Owner, owner)
	case e.Arbiter != pay.Arbiter():
		return nil, 0, fmt.Errorf("%w: escrow %s names arbiter %s, this gateway is %s", gateway.ErrPaymentRequired, escrow, e.Arbiter, pay.Arbiter())
	case e.State != ledger.EscrowOpen:
		return nil, 0, fmt.Errorf("%w: escrow %s is %s, not open", gateway.ErrPaymentRequired, escrow, e.State)
	}
	height, err := pay.Height(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("read the chain's height: %w: %w", gateway.ErrUnavailable, err)
	}
	// Anyone may return an escrow to its owner once it expires, so it must
	// outlive the job and its settlement.
	if left := e.ExpiresAt - height; left < o.cfg.EscrowMargin {
		return nil, 0, fmt.Errorf("%w: escrow %s expires in %d blocks; this gateway needs at least %d to run and settle a job",
			gateway.ErrPaymentRequired, escrow, left, o.cfg.EscrowMargin)
	}
	fee, err := pay.FeeBps(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("read chain params: %w: %w", gateway.ErrUnavailable, err)
	}
	budget := spendable(e.Amount, fee)
	// One settlement pays every execution and reports every fault; the
	// chain bounds how many one transaction may carry.
	if n := s.Shards*s.Replicas + 2*s.Shards + 1; n > ledger.MaxPayouts {
		return nil, 0, fmt.Errorf("%w: %d shards × %d replicas can need %d payouts, more than one settlement carries (%d); split the job",
			gateway.ErrPaymentRequired, s.Shards, s.Replicas, n, ledger.MaxPayouts)
	}
	if maxPrice > budget {
		return nil, 0, fmt.Errorf("%w: maxPrice %s is more than escrow %s can pay after the %d bps fee (%s)",
			gateway.ErrPaymentRequired, ledger.FormatUSD(maxPrice), escrow, fee, ledger.FormatUSD(budget))
	}
	if maxPrice == 0 {
		maxPrice = budget
	}
	// The binding goes on even if the client goes away: a bound escrow
	// whose job is dropped is money locked for nothing.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := pay.Assign(actx, escrow, jobID); err != nil {
		if errors.Is(err, ledger.ErrConflict) || errors.Is(err, ledger.ErrUnauthorized) {
			return nil, 0, fmt.Errorf("%w: %w", gateway.ErrPaymentRequired, err)
		}
		// The answer was lost or late: the chain knows whether it bound.
		if e, qerr := pay.Escrow(actx, escrow); qerr != nil || e.State != ledger.EscrowAssigned || e.Job != jobID {
			return nil, 0, fmt.Errorf("bind escrow %s: %w: %w", escrow, gateway.ErrUnavailable, err)
		}
	}
	return &api.Payment{Escrow: escrow, Budget: e.Amount, State: api.PaymentHeld}, maxPrice, nil
}

// spendable is the most that can be paid to providers from amount once
// the protocol fee on it is added.
func spendable(amount, feeBps int64) int64 {
	d := 10000 + feeBps
	paid := amount/d*10000 + amount%d*10000/d // amount*10000/d without overflow
	for paid > 0 && paid+ledger.Fee(paid, feeBps) > amount {
		paid--
	}
	return paid
}

// settlementFor computes what a terminal job's escrow pays. A task is paid
// its receipt's charge when it completed with the output root a strict
// majority of its shard's executions agree on (the rule of verify.Count:
// the only root, for one replica; the recorded verdict's root once the job
// was verified). A task that completed with another root is outvoted: a
// proven wrong result for a deterministic (wasm) job, which the chain
// slashes; for a docker job, whose replicas may legitimately differ, it is
// reported as lost, which lowers the provider's reputation and slashes
// nothing. A shard with no majority faults nobody. A task whose provider
// vanished is reported lost. Each provider is reported at most once (its
// worst fault), as the chain requires. Payouts are scaled down, never up,
// to fit the escrow with its fee.
func settlementFor(j *api.Job, feeBps int64) ledger.MsgSettle {
	m := ledger.MsgSettle{Escrow: j.Payment.Escrow, Job: j.ID, Outcome: string(j.Phase), Evidence: j.OutputRoot,
		Payouts: []ledger.Payout{}, Faults: []ledger.Fault{}}
	switch j.Phase {
	case api.PhaseCompleted, api.PhaseFailed, api.PhaseCancelled, api.PhaseExpired:
	default:
		m.Outcome = ledger.OutcomeFailed
	}
	accepted := acceptedRoots(j)
	outvoted := ledger.FaultWrongResult
	if j.Spec.Engine != spec.EngineWasm {
		outvoted = ledger.FaultLost
	}
	faulted := map[string]int{} // peer -> index in m.Faults
	fault := func(t api.Task, kind string) {
		i, seen := faulted[t.Provider]
		switch {
		case !seen:
			faulted[t.Provider] = len(m.Faults)
			m.Faults = append(m.Faults, ledger.Fault{Peer: t.Provider, Task: t.ID, Kind: kind})
		case kind == ledger.FaultWrongResult && m.Faults[i].Kind != ledger.FaultWrongResult:
			m.Faults[i] = ledger.Fault{Peer: t.Provider, Task: t.ID, Kind: kind}
		}
	}
	var total int64
	for _, t := range j.Tasks {
		root, decided := accepted[t.Shard]
		if isReduce(j, t) {
			// The reduce step runs once over verified inputs: it is paid
			// when it completed and nobody is faulted over it.
			root, decided = t.OutputRoot, t.Phase == api.PhaseCompleted
		}
		switch {
		case t.Provider == "":
		case t.Phase == api.PhaseCompleted && t.OutputRoot != "" && decided && t.OutputRoot == root:
			amount := min(max(t.Price, 0), ledger.MaxAmount)
			m.Payouts = append(m.Payouts, ledger.Payout{Peer: t.Provider, Task: t.ID, Amount: amount,
				PricePerCPUSecond: min(max(t.BidPrice, 0), ledger.MaxAmount)})
			total += amount
		case t.Phase == api.PhaseCompleted && t.OutputRoot != "" && decided:
			fault(t, outvoted)
		}
	}
	// Lost providers come from the tasks' attempt histories: every
	// provider that vanished with an attempt (presence lapsed, restarted,
	// shut down, or no result in time), once, even when the task then
	// completed elsewhere.
	for _, a := range lostProviders(j) {
		fault(api.Task{ID: a.ID, Provider: a.Provider}, ledger.FaultLost)
	}
	if limit := spendable(j.Payment.Budget, feeBps); total > limit {
		for i := range m.Payouts {
			m.Payouts[i].Amount = scale(m.Payouts[i].Amount, limit, total)
		}
	}
	return m
}

// acceptedRoots maps each shard that has a strict majority to its root:
// the verdict recorded by verification when there is one, otherwise the
// same rule over the completed tasks (a job that ended before it was
// verified).
func acceptedRoots(j *api.Job) map[int]string {
	out := map[int]string{}
	if v := j.Verification; v != nil {
		for _, sv := range v.Shards {
			if sv.Root != "" {
				out[sv.Shard] = sv.Root
			}
		}
		return out
	}
	execs := map[int][]verify.Execution{}
	for _, t := range j.Tasks {
		if t.Phase == api.PhaseCompleted && t.OutputRoot != "" {
			execs[t.Shard] = append(execs[t.Shard], verify.Execution{Task: t.ID, Provider: t.Provider, Root: t.OutputRoot})
		}
	}
	for shard, es := range execs {
		if t := verify.Count(es, j.Spec.Replicas); t.Decided() {
			out[shard] = t.Root
		}
	}
	return out
}

// scale is v*num/den without overflow, rounded down.
func scale(v, num, den int64) int64 {
	r := new(big.Int).Mul(big.NewInt(v), big.NewInt(num))
	return r.Quo(r, big.NewInt(den)).Int64()
}

// release returns an escrow that was bound to a job the orchestrator could
// not store: a settlement with no payouts refunds it whole.
func (o *Orchestrator) release(escrow, jobID string) {
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		for backoff := time.Second; o.ctx.Err() == nil; backoff = min(2*backoff, 30*time.Second) {
			_, _, err := o.cfg.Payments.Settle(o.ctx, ledger.MsgSettle{Escrow: escrow, Job: jobID, Outcome: ledger.OutcomeCancelled,
				Payouts: []ledger.Payout{}, Faults: []ledger.Fault{}, Evidence: "the job could not be stored"})
			if err == nil || errors.Is(err, ledger.ErrConflict) {
				return
			}
			o.log.Warn("release the escrow of a job that was not stored", "escrow", escrow, "job", jobID, "err", err)
			select {
			case <-o.ctx.Done():
			case <-time.After(backoff):
			}
		}
	}()
}

// settle drives a terminal job's payment to the chain until it is
// settled, retrying with backoff. The chain settles an escrow once, so a
// retry after an unseen success only finds it settled.
func (o *Orchestrator) settle(js *jobState) {
	if o.cfg.Payments == nil {
		return
	}
	rec, _ := js.snapshot()
	if rec.Payment == nil || rec.Payment.State != api.PaymentHeld || !rec.Phase.Terminal() {
		return
	}
	o.serving.RLock()
	defer o.serving.RUnlock()
	if o.closed {
		return
	}
	o.touch(js, func(j *api.Job) bool {
		note(j, api.PhaseSettling, fmt.Sprintf("settling on the chain: escrow %s, outcome %s", j.Payment.Escrow, j.Phase))
		return true
	})
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		backoff := time.Second
		for {
			err := o.settleOnce(o.ctx, js)
			if err == nil || o.ctx.Err() != nil {
				return
			}
			o.log.Warn("settle job", "job", rec.ID, "escrow", rec.Payment.Escrow, "err", err, "retry_in", backoff)
			o.update(js, func(j *api.Job) bool {
				j.Payment.Error = err.Error()
				return true
			})
			select {
			case <-o.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
		}
	}()
}

func (o *Orchestrator) settleOnce(ctx context.Context, js *jobState) error {
	pay := o.cfg.Payments
	rec, _ := js.snapshot()
	fee, err := pay.FeeBps(ctx)
	if err != nil {
		return err
	}
	m := settlementFor(rec, fee)
	hash, height, err := pay.Settle(ctx, m)
	if err != nil && !errors.Is(err, ledger.ErrConflict) {
		return err
	}
	// Conflict: settled before (a retry after a lost answer) or expired.
	e, qerr := pay.Escrow(ctx, m.Escrow)
	if qerr != nil {
		return qerr
	}
	if e.Holds() {
		return fmt.Errorf("escrow %s is still %s after settling: %w", e.ID, e.State, err)
	}
	if e.Job != rec.ID {
		return fmt.Errorf("escrow %s was settled for job %s", e.ID, e.Job)
	}
	return o.update(js, func(j *api.Job) bool {
		p := j.Payment
		p.State, p.Outcome, p.Paid, p.Fee, p.Refunded, p.Slashed, p.Error = api.PaymentSettled, e.Outcome, e.Paid, e.Fee, e.Refunded, e.Slashed, ""
		if e.State == ledger.EscrowExpired {
			p.State = api.PaymentRefunded
		}
		if hash != "" {
			p.TxHash, p.Height = hash, height
		}
		note(j, api.PhaseSettling, fmt.Sprintf("settled on the chain: paid %s, fee %s, refunded %s",
			ledger.FormatUSD(e.Paid), ledger.FormatUSD(e.Fee), ledger.FormatUSD(e.Refunded+e.Slashed)))
		return true
	})
}

// registry caches which peers are registered providers, the accounts
// that own them, and the decoded IDs of the peers it has measured.
type registry struct {
	mu      sync.Mutex
	peers   map[string]float64
	owners  map[string]string
	fetched time.Time
	ids     map[string]peer.ID
}

// providerOwners is what a Payments may also tell: the account that
// registered each active provider, by peer ID. Without it, owners are
// unknown and the rule that replicas of a shard never share an owner has
// nothing to go on.
type providerOwners interface {
	Owners(ctx context.Context) (map[string]string, error)
}

// ownersOf returns the accounts that own the given peers, as far as the
// cache knows.
func (r *registry) ownersOf(peers map[string]bool) map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for p := range peers {
		if a := r.owners[p]; a != "" {
			out[a] = true
		}
	}
	return out
}

// payable keeps the candidates that can be paid: on a network that
// charges, only registered providers, with their reputation and owner for
// the filters and rankers. Others are noted in declined. On every network
// it notes each candidate's latency, when the host measures it.
func (o *Orchestrator) payable(ctx context.Context, cs []selection.Candidate, declined map[string]string) []selection.Candidate {
	o.reg.measure(o.net, cs)
	if o.cfg.Payments == nil {
		return cs
	}
	peers, owners := o.registered(ctx)
	out := cs[:0]
	for _, c := range cs {
		if score, ok := peers[c.Peer]; ok {
			c.Reputation, c.Owner = score, owners[c.Peer]
			out = append(out, c)
		} else {
			declined[c.Peer] = "not registered as a provider on the chain"
		}
	}
	return out
}

// registered is the chain's registry as the orchestrator last read it:
// registered peers with their reputation scores, and their owners. It is
// read again when older than two seconds. Payments must be set.
func (o *Orchestrator) registered(ctx context.Context) (peers map[string]float64, owners map[string]string) {
	o.reg.mu.Lock()
	defer o.reg.mu.Unlock()
	if time.Since(o.reg.fetched) > 2*time.Second {
		if peers, err := o.cfg.Payments.Registered(ctx); err == nil {
			o.reg.peers, o.reg.fetched = peers, time.Now()
		} else {
			o.log.Warn("read the provider registry", "err", err)
		}
		if po, ok := o.cfg.Payments.(providerOwners); ok {
			if owners, err := po.Owners(ctx); err == nil {
				o.reg.owners = owners
			} else {
				o.log.Warn("read the providers' owners", "err", err)
			}
		}
	}
	return o.reg.peers, o.reg.owners
}
