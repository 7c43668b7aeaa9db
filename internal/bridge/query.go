package bridge

import (
	"errors"
	"strings"
)

// Status reports the bridge and what it has seen of both chains.
func (b *Bridge) Status() (Status, error) {
	b.mu.Lock()
	h := b.health
	b.mu.Unlock()
	s := Status{Account: b.Account(), Asset: b.cfg.Asset.String(), Decimals: b.cfg.Asset.Decimals,
		Genesis: b.pd.Genesis().Hex(), ChainID: b.cfg.ChainID, Reachable: h.reachable,
		LastError: h.lastErr, Finalized: h.finalized, AnchorEvery: b.cfg.AnchorEvery,
		Confirmation: "Polkadot finality (GRANDPA)"}
	if !h.reachable {
		s.Since = h.since
	}
	cur, _, err := b.st.cursor()
	if err != nil {
		return s, err
	}
	s.Processed = cur.Number
	if s.OpenSky, _, err = b.st.openSkyCursor(); err != nil {
		return s, err
	}
	ps, err := b.st.payouts(func(p *Payout) bool { return true })
	if err != nil {
		return s, err
	}
	for _, p := range ps {
		if p.State == PayoutQueued || p.State == PayoutSubmitted {
			s.Pending++
		}
		if p.Kind == PayoutWithdrawal {
			s.Withdrawals++
		}
	}
	ds, err := b.st.deposits(func(*Deposit) bool { return true })
	if err != nil {
		return s, err
	}
	s.Deposits = len(ds)
	if as, err := b.st.anchors(1); err == nil && len(as) == 1 {
		s.LastAnchor = as[0].Height
	}
	return s, nil
}

// Deposits lists the deposits made from account (all of them when
// account is empty), oldest first.
func (b *Bridge) Deposits(account string) ([]Deposit, error) {
	return b.st.deposits(func(d *Deposit) bool { return account == "" || d.From == account })
}

// Deposit is one deposit by its ref.
func (b *Bridge) Deposit(ref string) (Deposit, error) { return b.st.deposit(ref) }

// Withdrawals lists the withdrawals burned by account (all of them when
// account is empty), oldest first.
func (b *Bridge) Withdrawals(account string) ([]Payout, error) {
	return b.st.payouts(func(p *Payout) bool {
		return p.Kind == PayoutWithdrawal && (account == "" || p.Account == account)
	})
}

// Withdrawal is the withdrawal of the burn transaction burnTx (hex).
func (b *Bridge) Withdrawal(burnTx string) (Payout, error) {
	return b.st.payout("withdrawal:" + strings.ToLower(burnTx))
}

// Refund is the payout sending back the deposit ref.
func (b *Bridge) Refund(ref string) (Payout, error) { return b.st.payout("refund:" + ref) }

// AnchorCovering is the first anchor at or above height: it commits to
// the block at height through the chain of block hashes.
func (b *Bridge) AnchorCovering(height int64) (Anchor, error) {
	if height < 1 {
		return Anchor{}, errors.New("bridge: heights start at 1")
	}
	return b.st.anchorCovering(height)
}

// Anchors lists the last n anchors, newest first.
func (b *Bridge) Anchors(n int) ([]Anchor, error) { return b.st.anchors(n) }
