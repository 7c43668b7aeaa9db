package bridge

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
)

// watchBurns queues a payout for every burn in the OpenSky blocks after
// its cursor, each block in one state transaction with the cursor.
func (b *Bridge) watchBurns(ctx context.Context) error {
	from, err := b.st.openSkyCursor()
	if err != nil {
		return &fatalError{err}
	}
	head, _, err := b.led.Head(ctx)
	if err != nil {
		return err
	}
	for h := from + 1; h <= head && h <= from+int64(b.cfg.BlocksPerRound); h++ {
		burns, err := b.led.Burns(ctx, h)
		if err != nil {
			return err
		}
		err = b.st.update(func(tx *bolt.Tx) error {
			for _, burn := range burns {
				if err := b.queueWithdrawal(tx, burn); err != nil {
					return err
				}
			}
			return putJSON(tx, bucketMeta, keyOpenSky, h)
		})
		if err != nil {
			return &fatalError{err}
		}
	}
	return nil
}

// queueWithdrawal turns a burn into a payout, or into a refusal that
// gives the amount back on OpenSky when it cannot be paid.
func (b *Bridge) queueWithdrawal(tx *bolt.Tx, burn Burn) error {
	now := b.cfg.Now()
	p := &Payout{ID: "withdrawal:" + burn.Tx, Kind: PayoutWithdrawal, State: PayoutQueued,
		Account: burn.From, USD: burn.USD, Memo: withdrawalMemo(b.cfg.ChainID, burn.Tx),
		BurnTx: burn.Tx, BurnHeight: burn.Height, Created: now, Updated: now}
	pub, err := identity.ParseAddress(burn.Dest)
	switch {
	case err != nil:
		p.State, p.Reason = PayoutRefused, "the destination "+quoteShort(burn.Dest)+" is not an SS58 address: "+err.Error()
	case burn.USD <= 0:
		p.State, p.Reason = PayoutRefused, "nothing to pay"
	default:
		p.To, p.Amount = identity.AddressOf(pub), b.scale.planck(burn.USD).String()
	}
	added, err := queuePayout(tx, p)
	if added {
		b.log.Info("withdrawal queued", "burn", burn.Tx, "from", burn.From, "usd", burn.USD, "to", p.To, "state", p.State, "reason", p.Reason)
	}
	return err
}

func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return "\"" + s + "\""
}
