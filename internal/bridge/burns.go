package bridge

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// watchBurns queues a payout for every burn in the OpenSky blocks after
// its cursor, each block in one state transaction with the cursor.
func (b *Bridge) watchBurns(ctx context.Context) error {
	from, ok, err := b.st.openSkyCursor()
	if err != nil {
		return &fatalError{err}
	}
	head, _, err := b.led.Head(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return b.startOpenSky(ctx, head)
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

// startOpenSky sets a new state file's OpenSky cursor at the head. A chain
// that has already minted or burned through a bridge means the state file
// was lost: scanning from the start would pay every past withdrawal again,
// and starting at the head would skip the unpaid ones; only the operator
// can tell, so the bridge stops and says so.
func (b *Bridge) startOpenSky(ctx context.Context, head int64) error {
	minted, burned, err := b.led.Bridged(ctx)
	if err != nil {
		return err
	}
	if minted != 0 || burned != 0 {
		return &fatalError{fmt.Errorf("the bridge's state file is new, but the chain has already minted %s and burned %s through a bridge: restore the state file (dataDir/bridge/bridge.db); starting afresh could pay past withdrawals again",
			ledger.FormatUSD(minted), ledger.FormatUSD(burned))}
	}
	b.log.Info("bridge starts watching OpenSky", "height", head)
	err = b.st.update(func(tx *bolt.Tx) error { return putJSON(tx, bucketMeta, keyOpenSky, head) })
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
