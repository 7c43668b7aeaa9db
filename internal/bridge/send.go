package bridge

import (
	"context"
	"fmt"
	"math/big"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// expiryMargin covers the blocks that may finalize between the bridge
// reading the finalized head and the client picking the birth block of a
// transaction, until the real expiry is known.
const expiryMargin = 16

// send keeps at most one transaction of the bridge account in flight.
// One in flight is left alone until the scan has passed the last block it
// could land in; then, its remark unseen, it is known not to have paid
// and is queued again (or, if its nonce was used, known to have failed).
// Otherwise the next queued payout or anchor is sent.
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
	nonce, err := b.pd.NextNonce(ctx, b.account)
	if err != nil {
		return err
	}
	// Recorded before sending: if the bridge stops while sending, it waits
	// out the era after restarting instead of paying twice.
	p.State, p.Nonce, p.Expires, p.Tx = PayoutSubmitted, nonce, fin.Number+b.cfg.Period+expiryMargin, ""
	p.Attempts++
	if err := b.save(&p); err != nil {
		return err
	}
	sub, err := b.submit(ctx, &p, nonce)
	if err != nil {
		b.log.Warn("bridge transaction not sent (it waits out its era before another try)", "id", p.ID, "err", err)
		p.Reason = "sending failed: " + err.Error()
		_ = b.save(&p)
		return err
	}
	p.Tx, p.Expires, p.Reason = hexHash(sub.Hash), sub.Expires, ""
	b.log.Info("bridge transaction sent", "id", p.ID, "tx", p.Tx, "nonce", nonce, "expires", sub.Expires)
	return b.save(&p)
}

func (b *Bridge) submit(ctx context.Context, p *Payout, nonce uint64) (polkadot.Submitted, error) {
	opts := polkadot.TxOptions{Nonce: &nonce, Period: b.cfg.Period}
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

// settleFlying decides about the transaction in flight once the scan has
// passed the last block it could be in without seeing its remark.
func (b *Bridge) settleFlying(ctx context.Context, p Payout, cur cursor) error {
	if cur.Number <= p.Expires {
		return nil
	}
	nonce, err := b.pd.NextNonce(ctx, b.account)
	if err != nil {
		return err
	}
	now := b.cfg.Now()
	if nonce <= p.Nonce {
		// Never included: the pool dropped it, or it was never sent.
		p.State, p.Reason = PayoutQueued, fmt.Sprintf("attempt %d was not included by block %d; sent again", p.Attempts, p.Expires)
		b.log.Warn("bridge transaction expired unseen; sending again", "id", p.ID, "expired", p.Expires)
		return b.save(&p)
	}
	// Only the bridge signs for its account, so its nonce being used
	// means that transaction was included, and failed: no remark.
	p.Refusals++
	reason := fmt.Sprintf("Polkadot included attempt %d but it failed (the bridge account may lack funds or fees, or the amount is below the existential deposit of a new account)", p.Attempts)
	switch {
	case p.Kind == PayoutWithdrawal && p.Refusals >= maxRefusals:
		p.State, p.Reason = PayoutRefused, reason+"; given back on OpenSky"
	default:
		p.State, p.Reason = PayoutQueued, reason+"; will try again"
		p.RetryAt = now.Add(b.cfg.Retry * time.Duration(1<<min(p.Refusals-1, 6)))
	}
	b.log.Warn("bridge transaction failed on Polkadot", "id", p.ID, "refusals", p.Refusals, "state", p.State)
	return b.save(&p)
}

func (b *Bridge) save(p *Payout) error {
	p.Updated = b.cfg.Now()
	err := b.st.update(func(tx *bolt.Tx) error { return putJSON(tx, bucketPayouts, []byte(p.ID), p) })
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
