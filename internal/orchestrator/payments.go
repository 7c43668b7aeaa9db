package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/orchestrator/selection"
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
func (o *Orchestrator) hold(ctx context.Context, escrow, jobID string, maxPrice int64) (*api.Payment, int64, error) {
	pay := o.cfg.Payments
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
// majority of its shard's replicas agree on (the only root, for one
// replica); a task that completed with another root is a proven wrong
// result; a task whose provider vanished is reported lost. Payouts are
// scaled down, never up, to fit the escrow with its fee.
func settlementFor(j *api.Job, feeBps int64) ledger.MsgSettle {
	m := ledger.MsgSettle{Escrow: j.Payment.Escrow, Job: j.ID, Outcome: string(j.Phase), Evidence: j.OutputRoot,
		Payouts: []ledger.Payout{}, Faults: []ledger.Fault{}}
	if j.Phase != api.PhaseCompleted && j.Phase != api.PhaseFailed && j.Phase != api.PhaseCancelled {
		m.Outcome = ledger.OutcomeFailed
	}
	votes := map[int]map[string]int{}
	for _, t := range j.Tasks {
		if t.Phase == api.PhaseCompleted && t.OutputRoot != "" {
			if votes[t.Shard] == nil {
				votes[t.Shard] = map[string]int{}
			}
			votes[t.Shard][t.OutputRoot]++
		}
	}
	majority := func(shard int) string {
		for root, n := range votes[shard] {
			if 2*n > j.Spec.Replicas {
				return root
			}
		}
		return ""
	}
	var total int64
	for _, t := range j.Tasks {
		switch {
		case t.Provider == "":
		case t.Phase == api.PhaseCompleted && t.OutputRoot != "" && t.OutputRoot == majority(t.Shard):
			amount := min(max(t.Price, 0), ledger.MaxAmount)
			m.Payouts = append(m.Payouts, ledger.Payout{Peer: t.Provider, Task: t.ID, Amount: amount,
				PricePerCPUSecond: min(max(t.BidPrice, 0), ledger.MaxAmount)})
			total += amount
		case t.Phase == api.PhaseCompleted && majority(t.Shard) != "":
			m.Faults = append(m.Faults, ledger.Fault{Peer: t.Provider, Task: t.ID, Kind: ledger.FaultWrongResult})
		case t.ErrorCode == "provider_lost":
			m.Faults = append(m.Faults, ledger.Fault{Peer: t.Provider, Task: t.ID, Kind: ledger.FaultLost})
		}
	}
	if limit := spendable(j.Payment.Budget, feeBps); total > limit {
		for i := range m.Payouts {
			m.Payouts[i].Amount = scale(m.Payouts[i].Amount, limit, total)
		}
	}
	return m
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
		event(j, "", fmt.Sprintf("settled on the chain: paid %s, fee %s, refunded %s",
			ledger.FormatUSD(e.Paid), ledger.FormatUSD(e.Fee), ledger.FormatUSD(e.Refunded+e.Slashed)))
		return true
	})
}

// registry caches which peers are registered providers.
type registry struct {
	mu      sync.Mutex
	peers   map[string]float64
	fetched time.Time
}

// payable keeps the candidates that can be paid: on a network that
// charges, only registered providers, with their reputation for the
// rankers. Others are noted in declined.
func (o *Orchestrator) payable(ctx context.Context, cs []selection.Candidate, declined map[string]string) []selection.Candidate {
	if o.cfg.Payments == nil {
		return cs
	}
	o.reg.mu.Lock()
	if time.Since(o.reg.fetched) > 2*time.Second {
		if peers, err := o.cfg.Payments.Registered(ctx); err == nil {
			o.reg.peers, o.reg.fetched = peers, time.Now()
		} else {
			o.log.Warn("read the provider registry", "err", err)
		}
	}
	peers := o.reg.peers
	o.reg.mu.Unlock()
	out := cs[:0]
	for _, c := range cs {
		if score, ok := peers[c.Peer]; ok {
			c.Reputation = score
			out = append(out, c)
		} else {
			declined[c.Peer] = "not registered as a provider on the chain"
		}
	}
	return out
}
