package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
	"github.com/opensky-network/opensky/internal/storage/broker"
)

// chainDeals is the storage broker's side of storage deals on the chain:
// the gateway's account is the arbiter that assigns the shards, reports
// each period's audits (which pays the providers that passed), moves
// repaired shards and closes deals.
type chainDeals struct {
	arb *ledgerclient.Arbiter
	// periodBlocks is the length of a deal's audit period the gateway
	// offers: two audit intervals, so that every period is audited; and
	// blockTime the chain's block interval, to turn blocks into time.
	periodBlocks int64
	blockTime    time.Duration
	log          *slog.Logger
}

var _ broker.Deals = (*chainDeals)(nil)

func newChainDeals(arb *ledgerclient.Arbiter, auditEvery, blockTime time.Duration, log *slog.Logger) *chainDeals {
	pb := int64((2*auditEvery + blockTime - 1) / blockTime)
	return &chainDeals{arb: arb, periodBlocks: max(pb, 1), blockTime: blockTime, log: log}
}

// terms are what a deal for d of storage should hold: its periods, and
// how many blocks each lasts.
func (d *chainDeals) terms(dur time.Duration) (periods, periodBlocks int64) {
	period := time.Duration(d.periodBlocks) * d.blockTime
	if dur <= 0 {
		dur = broker.Month
	}
	return max(1, int64((dur+period-1)/period)), d.periodBlocks
}

// perPeriod is what each shard of o earns per passed period of deal.
func (d *chainDeals) perPeriod(o *broker.Object, deal ledger.Deal, p broker.Placement) int64 {
	return d.shardPay(p.PricePerGBMonth, o.Layout.ShardSize(o.CipherLen), deal.PeriodBlocks)
}

// shardPay is what a shard of shardBytes earns for one passed period of
// periodBlocks at pricePerGBMonth: at least one micro-USD.
func (d *chainDeals) shardPay(pricePerGBMonth, shardBytes, periodBlocks int64) int64 {
	period := time.Duration(periodBlocks) * d.blockTime
	return max(1, broker.ShardPrice(pricePerGBMonth, shardBytes, period))
}

func (d *chainDeals) deal(ctx context.Context, o *broker.Object) (ledger.Deal, error) {
	deal, err := d.arb.Deal(ctx, o.Deal)
	if err != nil {
		return deal, fmt.Errorf("storage deal %s: %w", o.Deal, err)
	}
	return deal, nil
}

func (d *chainDeals) Check(ctx context.Context, o *broker.Object) error {
	deal, err := d.deal(ctx, o)
	if err != nil {
		return fmt.Errorf("%w: %w", broker.ErrBadRequest, err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: storage deal %s: %s", broker.ErrBadRequest, o.Deal, fmt.Sprintf(format, args...))
	}
	switch {
	case deal.State != ledger.DealOpen:
		return bad("it is %s; open a new deal for this upload", deal.State)
	case deal.Arbiter != d.arb.Arbiter():
		return bad("it names arbiter %s, but this gateway is %s", deal.Arbiter, d.arb.Arbiter())
	case o.Owner != "" && deal.Owner != o.Owner:
		return bad("it belongs to %s, not to %s", deal.Owner, o.Owner)
	}
	var need int64
	for _, p := range o.Shards {
		if p.Account == "" {
			return bad("provider %s has no account on the chain to be paid", p.Peer)
		}
		need += d.perPeriod(o, deal, p) * deal.Periods
	}
	if deal.Amount < need {
		return bad("it holds %s; the providers chosen ask %s for its %d periods", ledger.FormatUSD(deal.Amount), ledger.FormatUSD(need), deal.Periods)
	}
	return nil
}

func (d *chainDeals) Assign(ctx context.Context, o *broker.Object) error {
	deal, err := d.deal(ctx, o)
	if err != nil {
		return err
	}
	m := ledger.MsgAssignDeal{Deal: o.Deal, Object: o.CID, Size: max(o.CipherLen, 1)}
	for _, p := range o.Shards {
		if p.State == broker.ShardLost {
			continue // placed by the repair, then moved in with Replace
		}
		m.Shards = append(m.Shards, ledger.ShardAssignment{Index: p.Index, Provider: p.Account, Root: p.Root.String(),
			PerPeriod: d.perPeriod(o, deal, p)})
	}
	return d.arb.AssignDeal(ctx, m)
}

func (d *chainDeals) Audit(ctx context.Context, o *broker.Object, passed map[int]bool) error {
	deal, err := d.deal(ctx, o)
	if err != nil {
		return err
	}
	next := deal.Audited + 1
	if deal.State != ledger.DealActive || next > deal.Periods {
		return nil
	}
	h, err := d.arb.Height(ctx)
	if err != nil {
		return err
	}
	if h < deal.OpenedAt+(next-1)*deal.PeriodBlocks {
		return nil // the period has not started: the next audit reports it
	}
	m := ledger.MsgAuditDeal{Deal: o.Deal, Period: next}
	for _, s := range deal.Shards {
		if s.State == ledger.ShardLive {
			m.Results = append(m.Results, ledger.AuditResult{Index: s.Index, Pass: passed[s.Index]})
		}
	}
	if len(m.Results) == 0 {
		return nil
	}
	err = d.arb.ReportAudit(ctx, m)
	if errors.Is(err, ledgerclient.ErrPeriodReported) {
		return nil
	}
	return err
}

func (d *chainDeals) Replace(ctx context.Context, o *broker.Object, i int) error {
	deal, err := d.deal(ctx, o)
	if err != nil {
		return err
	}
	if deal.State != ledger.DealActive {
		return nil
	}
	p := o.Shards[i]
	return d.arb.ReplaceShard(ctx, ledger.MsgReplaceShard{Deal: o.Deal, Index: i, Provider: p.Account,
		Root: p.Root.String(), PerPeriod: d.perPeriod(o, deal, p)})
}

func (d *chainDeals) Close(ctx context.Context, o *broker.Object) error {
	deal, err := d.deal(ctx, o)
	if err != nil {
		return err
	}
	if deal.State == ledger.DealClosed {
		return nil
	}
	return d.arb.CloseDeal(ctx, o.Deal)
}
