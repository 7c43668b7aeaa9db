package ledgerclient

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opensky-network/opensky/internal/ledger"
)

// Conditions a storage call reports that a caller retrying after an
// unknown outcome tests with errors.Is: the chain already holds what the
// call asked for, or can no longer take it.
var (
	// ErrPeriodReported: the deal's period was reported already (by an
	// earlier attempt of the same report, when retrying).
	ErrPeriodReported = errors.New("ledgerclient: the period is already reported")
	// ErrDealClosed: the deal is closed; nothing more can change it.
	ErrDealClosed = errors.New("ledgerclient: the deal is closed")
)

// Deal reads a storage deal by ID.
func (c *Client) Deal(ctx context.Context, id string) (ledger.Deal, error) {
	var v ledger.Deal
	return v, c.Query(ctx, ledger.QueryDeal+id, &v)
}

// DealsByOwner lists the deals an account opened, closed ones included.
func (c *Client) DealsByOwner(ctx context.Context, owner string) ([]ledger.Deal, error) {
	var v []ledger.Deal
	return v, c.Query(ctx, ledger.QueryDealsByOwner+owner, &v)
}

// DealsByProvider lists the deals in which a provider holds a shard, live
// or lost, closed deals included.
func (c *Client) DealsByProvider(ctx context.Context, provider string) ([]ledger.Deal, error) {
	var v []ledger.Deal
	return v, c.Query(ctx, ledger.QueryDealsByProvider+provider, &v)
}

// OpenDeal locks m.Amount from the sender's balance for a storage deal
// and returns the deal's ID once the deal is in a block.
func (s *Sender) OpenDeal(ctx context.Context, m ledger.MsgOpenDeal) (string, error) {
	r, err := s.Send(ctx, &m)
	if err != nil {
		return "", fmt.Errorf("open a storage deal of %s: %w", ledger.FormatUSD(m.Amount), err)
	}
	id := string(r.Data)
	if !strings.HasPrefix(id, "d-") || len(id) != 34 {
		return "", fmt.Errorf("open a storage deal: the chain answered %q, not a deal ID", r.Data)
	}
	return id, nil
}

// CloseDeal ends a deal the sender owns (or arbitrates, or that is past
// its ClosableAt height): what it still holds returns to its owner.
func (s *Sender) CloseDeal(ctx context.Context, id string) error {
	_, err := s.Send(ctx, &ledger.MsgCloseDeal{Deal: id})
	return dealError(ctx, s.c, err, fmt.Sprintf("close deal %s", id), id, 0)
}

// AssignDeal records where an open deal's shards are stored.
func (a *Arbiter) AssignDeal(ctx context.Context, m ledger.MsgAssignDeal) error {
	_, err := a.s.Send(ctx, &m)
	return dealError(ctx, a.c, err, fmt.Sprintf("assign deal %s (%d shards)", m.Deal, len(m.Shards)), m.Deal, 0)
}

// ReportAudit reports one period's audits of a deal: providers of shards
// that passed are paid, those that failed StorageFailLimit times in a row
// are slashed. A period reported already gives an error that wraps
// ErrPeriodReported.
func (a *Arbiter) ReportAudit(ctx context.Context, m ledger.MsgAuditDeal) error {
	_, err := a.s.Send(ctx, &m)
	return dealError(ctx, a.c, err, fmt.Sprintf("report period %d of deal %s", m.Period, m.Deal), m.Deal, m.Period)
}

// ReplaceShard moves a deal's shard to the provider a repair rebuilt it
// on.
func (a *Arbiter) ReplaceShard(ctx context.Context, m ledger.MsgReplaceShard) error {
	_, err := a.s.Send(ctx, &m)
	return dealError(ctx, a.c, err, fmt.Sprintf("move shard %d of deal %s to %s", m.Index, m.Deal, m.Provider), m.Deal, 0)
}

// CloseDeal ends a deal the arbiter arbitrates: what it still holds
// returns to its owner.
func (a *Arbiter) CloseDeal(ctx context.Context, id string) error {
	return a.s.CloseDeal(ctx, id)
}

// Deal reads a storage deal.
func (a *Arbiter) Deal(ctx context.Context, id string) (ledger.Deal, error) {
	return a.c.Deal(ctx, id)
}

// dealError explains a refused storage transaction. A conflict is
// checked against the deal: a closed deal wraps ErrDealClosed, and a
// period (when not 0) the deal already counts wraps ErrPeriodReported.
func dealError(ctx context.Context, c *Client, err error, what, id string, period int64) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ledger.ErrConflict) {
		if d, qerr := c.Deal(ctx, id); qerr == nil {
			switch {
			case d.State == ledger.DealClosed:
				return fmt.Errorf("%s: %w: %w", what, ErrDealClosed, err)
			case period > 0 && d.Audited >= period:
				return fmt.Errorf("%s: %w: %w", what, ErrPeriodReported, err)
			}
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
