package bridge

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// expiryMargin covers the blocks that may finalize between the bridge
// reading the finalized head and the client picking the birth block of a
// transaction, until the real expiry is known. Safety does not rest on it
// (see send); it only decides when an unseen attempt is sent again.
const expiryMargin = 16

// send keeps at most one transaction of the bridge account in flight.
//
// A payout keeps its nonce from one attempt to the next until that nonce
// is used up in a finalized block, so of all the attempts that share it at
// most one can ever be included: a payout is never paid twice, whatever
// the node answered or when the bridge stopped. An attempt is settled by
// settleFlying from the finalized state only: its remark seen (done), its
// nonce used without its remark (it was included and failed), or its era
// over with the nonce unused (never included: send it again).
func (b *Bridge) send(ctx context.Context, fin polkadot.Head, cur cursor) error {
	flying, err := b.st.payouts(func(p *Payout) bool { return p.State == PayoutSubmitted })
	if err != nil {
		return &fatalError{err}
	}
	if len(flying) > 0 {
		return b.settleFlying(ctx, flying[0], cur)
	}
	now := b.cfg.Now()
	queued, err := b.st.payouts(func(p *Payout) bool {
		return p.State == PayoutQueued && !p.RetryAt.After(now)
	})
	if err != nil {
		return &fatalError{err}
	}
	if len(queued) == 0 {
		return nil
	}
	p := queued[0]
	if !p.NonceSet {
		n, err := b.pd.NextNonce(ctx, b.account)
		if err != nil {
			return err
		}
		p.Nonce, p.NonceSet = n, true
	}
	// Recorded before sending: if the bridge stops while sending, it
	// settles the attempt from the chain after restarting instead of
	// sending blind.
	p.State, p.Expires, p.Tx = PayoutSubmitted, fin.Number+b.cfg.Period+expiryMargin, ""
	p.Attempts++
	if err := b.save(&p); err != nil {
		return err
	}
	sub, err := b.submit(ctx, &p)
	if err != nil {
		if errors.Is(err, polkadot.ErrUnavailable) || errors.Is(err, polkadot.ErrRPC) {
			// The node may have taken it (a lost answer) or may hold an
			// earlier attempt with the same nonce: settle it from the chain.
			b.log.Warn("bridge transaction maybe not sent; it is settled from the chain", "id", p.ID, "err", err)
			p.Reason = "sending failed: " + err.Error()
			if serr := b.save(&p); serr != nil {
				return serr
			}
			return err
		}
		// It could not even be built: nothing went out, its nonce is free.
		p.NonceSet = false
		return b.refused(&p, "it cannot be sent: "+err.Error())
	}
	p.Tx, p.Expires, p.Reason = sub.Hash.Hex(), sub.Expires, ""
	b.log.Info("bridge transaction sent", "id", p.ID, "tx", p.Tx, "nonce", p.Nonce, "expires", sub.Expires)
	return b.save(&p)
}

func (b *Bridge) submit(ctx context.Context, p *Payout) (polkadot.Submitted, error) {
	opts := polkadot.TxOptions{Nonce: &p.Nonce, Period: b.cfg.Period}
	if p.Kind == PayoutAnchor {
		return b.pd.SubmitRemark(ctx, b.cfg.Operator, []byte(p.Memo), opts)
	}
	to, err := identity.ParseAddress(p.To)
	if err != nil {
		return polkadot.Submitted{}, fmt.Errorf("payout %s: %w", p.ID, err)
	}
	amount, ok := new(big.Int).SetString(p.Amount, 10)
	if !ok {
		return polkadot.Submitted{}, fmt.Errorf("payout %s: amount %q", p.ID, p.Amount)
	}
	return b.pd.SubmitTransfer(ctx, b.cfg.Operator, polkadot.Transfer{
		To: polkadot.AccountID(to), Amount: amount, Memo: []byte(p.Memo), TxOptions: opts})
}

// settleFlying decides about the attempt in flight from the finalized
// state at the scan's cursor (whose blocks' remarks have all been seen).
func (b *Bridge) settleFlying(ctx context.Context, p Payout, cur cursor) error {
	at, err := polkadot.ParseHash(cur.Hash)
	if err != nil {
		return &fatalError{fmt.Errorf("the cursor's hash %q: %w", cur.Hash, err)}
	}
	used, err := b.pd.NonceAt(ctx, b.account, at)
	if err != nil {
		return err
	}
	if used > p.Nonce {
		// Only the bridge signs for its account, and no remark of this
		// payout is in the blocks up to the cursor: the attempt was
		// included and failed. Its nonce is spent.
		p.NonceSet = false
		return b.refused(&p, fmt.Sprintf("Polkadot included attempt %d but it failed (the bridge account may lack funds or fees, or the amount is below the existential deposit of a new account)", p.Attempts))
	}
	if cur.Number <= p.Expires {
		return nil // it may still land
	}
	// Never included: the pool dropped it, or it was never sent. The next
	// attempt reuses the nonce.
	p.State, p.Reason = PayoutQueued, fmt.Sprintf("attempt %d was not included by block %d; sent again", p.Attempts, p.Expires)
	b.log.Warn("bridge transaction expired unseen; sending again", "id", p.ID, "expired", p.Expires)
	return b.save(&p)
}

// refused counts a failed attempt: the payout waits and tries again, or,
// after maxRefusals, gives up (a withdrawal is then given back on
// OpenSky by remint).
func (b *Bridge) refused(p *Payout, reason string) error {
	p.Refusals++
	if p.Refusals >= maxRefusals {
		p.State, p.Reason = PayoutRefused, reason
		switch p.Kind {
		case PayoutWithdrawal:
			p.Reason += "; given back on OpenSky"
		case PayoutRefund:
			p.Reason += "; the operator must send it back by hand"
		}
	} else {
		p.State, p.Reason = PayoutQueued, reason+"; will try again"
		p.RetryAt = b.cfg.Now().Add(b.cfg.Retry * time.Duration(1<<min(p.Refusals-1, 6)))
	}
	b.log.Warn("bridge transaction failed", "id", p.ID, "refusals", p.Refusals, "state", p.State, "reason", reason)
	return b.save(p)
}

func (b *Bridge) save(p *Payout) error {
	p.Updated = b.cfg.Now()
	err := b.st.update(func(tx *bolt.Tx) error { return putJSON(tx, bucketPayouts, []byte(p.ID), p) })
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
