package ledgerclient

import (
	"context"
	"fmt"

	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/orchestrator"
)

// Arbiter is an orchestrator's account on the chain: it binds escrows to
// jobs and settles them.
type Arbiter struct {
	c *Client
	s *Sender
}

var _ orchestrator.Payments = (*Arbiter)(nil)

// NewArbiter acts on the chain as s.
func NewArbiter(c *Client, s ledger.Signer) *Arbiter {
	return &Arbiter{c: c, s: c.Sender(s)}
}

// Arbiter is the account consumers name as their escrows' arbiter.
func (a *Arbiter) Arbiter() string { return a.s.Address() }

// Height is the chain's latest height.
func (a *Arbiter) Height(ctx context.Context) (int64, error) {
	st, err := a.c.Chain().Status(ctx)
	return st.Height, err
}

// FeeBps is the chain's protocol fee.
func (a *Arbiter) FeeBps(ctx context.Context) (int64, error) {
	p, err := a.c.Params(ctx)
	return p.FeeBps, err
}

// Escrow reads an escrow.
func (a *Arbiter) Escrow(ctx context.Context, id string) (ledger.Escrow, error) {
	return a.c.Escrow(ctx, id)
}

// Assign binds an escrow to a job.
func (a *Arbiter) Assign(ctx context.Context, escrow, job string) error {
	_, err := a.s.Send(ctx, &ledger.MsgAssign{Escrow: escrow, Job: job})
	return err
}

// Settle submits a settlement.
func (a *Arbiter) Settle(ctx context.Context, m ledger.MsgSettle) (string, int64, error) {
	r, err := a.s.Send(ctx, &m)
	if r == nil {
		return "", 0, err
	}
	return fmt.Sprintf("%X", r.Hash), r.Height, err
}

// Registered lists the peers of active providers with their reputation
// scores.
func (a *Arbiter) Registered(ctx context.Context) (map[string]float64, error) {
	ps, err := a.c.Providers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(ps))
	for _, p := range ps {
		if p.Active {
			out[p.PeerID] = float64(p.Score) / 1e6
		}
	}
	return out, nil
}

// Owners lists, by peer ID, the account that registered each active
// provider.
func (a *Arbiter) Owners(ctx context.Context) (map[string]string, error) {
	ps, err := a.c.Providers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		if p.Active {
			out[p.PeerID] = p.Address
		}
	}
	return out, nil
}
