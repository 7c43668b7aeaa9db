package bridge

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/ledger"
)

// credit mints every deposit waiting for it. The ledger credits a ref at
// most once, so a mint repeated after a crash between minting and
// recording it is refused and recorded as done.
func (b *Bridge) credit(ctx context.Context) error {
	due, err := b.st.deposits(func(d *Deposit) bool { return d.State == DepositCrediting })
	if err != nil {
		return &fatalError{err}
	}
	for _, d := range due {
		tx, err := b.led.Mint(ctx, d.From, d.USD, d.Ref)
		var te *ledger.TxError
		if errors.As(err, &te) && (te.Code == ledger.CodeInvalid || te.Code == ledger.CodeOverflow) {
			// The ledger will never take this one: send it back, and go on
			// with the others.
			err = b.st.update(func(btx *bolt.Tx) error {
				d.Reason = "the chain refused to credit it: " + te.Reason
				return b.refund(btx, &d)
			})
			if err != nil {
				return &fatalError{err}
			}
			continue
		}
		if err != nil && !errors.Is(err, ErrCredited) {
			return err
		}
		err = b.st.update(func(btx *bolt.Tx) error {
			d.State, d.MintTx, d.Updated = DepositCredited, tx, b.cfg.Now()
			return putJSON(btx, bucketDeposits, []byte(d.Ref), d)
		})
		if err != nil {
			return &fatalError{err}
		}
		b.log.Info("deposit credited", "ref", d.Ref, "to", d.From, "usd", d.USD, "tx", tx)
	}
	return b.remint(ctx)
}

// remint gives back on OpenSky the withdrawals Polkadot would not pay.
func (b *Bridge) remint(ctx context.Context) error {
	due, err := b.st.payouts(func(p *Payout) bool {
		return p.Kind == PayoutWithdrawal && p.State == PayoutRefused && p.RemintTx == ""
	})
	if err != nil {
		return &fatalError{err}
	}
	for _, p := range due {
		tx, err := b.led.Mint(ctx, p.Account, p.USD, "remint:"+p.BurnTx)
		if errors.Is(err, ErrCredited) {
			tx, err = "(credited before)", nil
		}
		if err != nil {
			return err
		}
		err = b.st.update(func(btx *bolt.Tx) error {
			p.RemintTx, p.Updated = tx, b.cfg.Now()
			return putJSON(btx, bucketPayouts, []byte(p.ID), p)
		})
		if err != nil {
			return &fatalError{err}
		}
		b.log.Info("withdrawal given back on OpenSky", "burn", p.BurnTx, "to", p.Account, "usd", p.USD)
	}
	return nil
}
