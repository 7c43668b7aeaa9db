package bridge

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

func memoHash(memo string) polkadot.Hash { return polkadot.RemarkHash([]byte(memo)) }

// scan reads the finalized blocks after the cursor, up to fin and at most
// BlocksPerRound of them, each in one state transaction with the cursor
// past it. It returns the cursor reached.
func (b *Bridge) scan(ctx context.Context, fin polkadot.Head) (cursor, error) {
	cur, ok, err := b.st.cursor()
	if err != nil {
		return cur, &fatalError{err}
	}
	if !ok {
		// A new bridge starts at the finalized head: its account has seen
		// nothing before it existed.
		cur = cursor{Number: fin.Number, Hash: fin.Hash.Hex()}
		err := b.st.update(func(tx *bolt.Tx) error { return putJSON(tx, bucketMeta, keyCursor, cur) })
		if err != nil {
			return cur, &fatalError{err}
		}
		b.log.Info("bridge starts watching Polkadot", "block", fin.Number)
		return cur, nil
	}
	if fin.Number < cur.Number {
		return cur, fmt.Errorf("the node's finalized head %d is behind the bridge's cursor %d: is it still syncing?", fin.Number, cur.Number)
	}
	if fin.Number > cur.Number {
		// Finalized blocks never change; one that did means another chain.
		h, err := b.pd.BlockHash(ctx, cur.Number)
		if err != nil {
			return cur, err
		}
		if h.Hex() != cur.Hash {
			return cur, &fatalError{fmt.Errorf("polkadot block %d is now %s, but the bridge scanned it as %s when it was final: this is not the chain the bridge watched", cur.Number, h.Hex(), cur.Hash)}
		}
	}
	for n := cur.Number + 1; n <= fin.Number && n <= cur.Number+uint64(b.cfg.BlocksPerRound); {
		h, err := b.pd.BlockHash(ctx, n)
		if err != nil {
			return cur, err
		}
		evs, err := b.pd.Events(ctx, h)
		if err != nil {
			return cur, fmt.Errorf("events of block %d: %w", n, err)
		}
		next := cursor{Number: n, Hash: h.Hex()}
		err = b.st.update(func(tx *bolt.Tx) error {
			if err := b.block(tx, n, h, evs); err != nil {
				return err
			}
			return putJSON(tx, bucketMeta, keyCursor, next)
		})
		if err != nil {
			return cur, &fatalError{err}
		}
		cur = next
		n++
	}
	return cur, nil
}

// block records what one finalized block holds for the bridge: deposits
// to its account, and the remarks of its own transactions.
func (b *Bridge) block(tx *bolt.Tx, n uint64, h polkadot.Hash, evs []polkadot.Event) error {
	byExt := map[int][]polkadot.Event{}
	var order []int
	for _, e := range evs {
		if e.Extrinsic < 0 {
			continue
		}
		if _, ok := byExt[e.Extrinsic]; !ok {
			order = append(order, e.Extrinsic)
		}
		byExt[e.Extrinsic] = append(byExt[e.Extrinsic], e)
	}
	for _, x := range order {
		group := byExt[x]
		if !succeeded(group) {
			continue
		}
		for _, e := range group {
			switch {
			case e.Kind == polkadot.KindTransfer && e.To == b.account && e.From != b.account:
				if err := b.deposit(tx, n, h, e, group); err != nil {
					return err
				}
			case e.Kind == polkadot.KindRemarked && e.Sender == b.account:
				if err := b.landed(tx, n, h, e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func succeeded(group []polkadot.Event) bool {
	for _, e := range group {
		if e.Kind == polkadot.KindExtrinsicSuccess {
			return true
		}
	}
	return false
}

// deposit records a transfer to the bridge account: to be credited when
// its memo and amount are right, to be sent back otherwise.
func (b *Bridge) deposit(tx *bolt.Tx, n uint64, h polkadot.Hash, e polkadot.Event, group []polkadot.Event) error {
	ref := refOf(h, e.Index)
	if tx.Bucket(bucketDeposits).Get([]byte(ref)) != nil {
		return nil
	}
	from := identity.AddressOf(e.From)
	now := b.cfg.Now()
	d := Deposit{Ref: ref, Block: n, BlockHash: h.Hex(), Extrinsic: e.Extrinsic, Event: e.Index,
		From: from, Amount: e.Amount.String(), Seen: now, Updated: now}
	want, fees := memoHash(DepositMemo(b.cfg.ChainID, from)), memoHash(FeesMemo(b.cfg.ChainID))
	var memo, other bool
	for _, r := range group {
		if r.Kind == polkadot.KindRemarked && r.Sender == e.From {
			switch r.RemarkHash {
			case want:
				memo = true
			case fees:
				d.State, d.Reason = DepositFees, "a top-up of the bridge account's fees"
				b.log.Info("bridge fees topped up", "from", from, "amount", d.Amount)
				return putJSON(tx, bucketDeposits, []byte(ref), d)
			default:
				other = true
			}
		}
	}
	usd, amountErr := b.scale.usd(e.Amount)
	switch {
	case !memo && other:
		d.Reason = "its memo does not name this chain (" + b.cfg.ChainID + ") and the sender's own account"
	case !memo:
		d.Reason = "it carries no deposit memo (opensky wallet deposit adds one)"
	case amountErr != nil:
		d.Reason = amountErr.Error()
	}
	if e.Amount == nil || e.Amount.Sign() <= 0 {
		d.State, d.Reason = DepositIgnored, "a transfer of nothing"
		return putJSON(tx, bucketDeposits, []byte(ref), d)
	}
	if d.Reason == "" {
		d.USD, d.State = usd, DepositCrediting
		b.log.Info("deposit seen", "ref", ref, "from", from, "usd", usd)
		return putJSON(tx, bucketDeposits, []byte(ref), d)
	}
	return b.refund(tx, &d)
}

// refund records d as not credited and queues sending it back.
func (b *Bridge) refund(tx *bolt.Tx, d *Deposit) error {
	now := b.cfg.Now()
	d.State, d.USD, d.Updated = DepositRefunding, 0, now
	p := &Payout{ID: "refund:" + d.Ref, Kind: PayoutRefund, State: PayoutQueued, Account: d.From, To: d.From,
		Amount: d.Amount, Memo: refundMemo(b.cfg.ChainID, d.Ref), Created: now, Updated: now}
	d.Refund = p.ID
	b.log.Warn("deposit not credited: sending it back", "ref", d.Ref, "from", d.From, "amount", d.Amount, "reason", d.Reason)
	if _, err := queuePayout(tx, p); err != nil {
		return err
	}
	return putJSON(tx, bucketDeposits, []byte(d.Ref), d)
}

// landed marks the payout or anchor whose remark the bridge account made.
func (b *Bridge) landed(tx *bolt.Tx, n uint64, h polkadot.Hash, e polkadot.Event) error {
	id := tx.Bucket(bucketMemos).Get([]byte(e.RemarkHash.Hex()))
	if id == nil {
		return nil // not one of ours (or made by hand with the operator key)
	}
	var p Payout
	if ok, err := getJSON(tx, bucketPayouts, id, &p); err != nil || !ok {
		return err
	}
	if p.State == PayoutDone {
		return nil
	}
	p.State, p.Reason, p.Updated = PayoutDone, "", b.cfg.Now()
	p.Block, p.BlockHash, p.Extrinsic, p.Event = n, h.Hex(), e.Extrinsic, e.Index
	b.log.Info("bridge transaction final", "id", p.ID, "block", n)
	if err := putJSON(tx, bucketPayouts, id, p); err != nil {
		return err
	}
	switch p.Kind {
	case PayoutAnchor:
		a := Anchor{Height: p.Height, Hash: p.Hash, ChainID: b.cfg.ChainID, Memo: p.Memo, Block: n,
			BlockHash: h.Hex(), Extrinsic: e.Extrinsic, Event: e.Index, Signer: b.Account()}
		return putJSON(tx, bucketAnchors, heightKey(p.Height), a)
	case PayoutRefund:
		ref := strings.TrimPrefix(p.ID, "refund:")
		var d Deposit
		if ok, err := getJSON(tx, bucketDeposits, []byte(ref), &d); err != nil || !ok {
			return err
		}
		d.State, d.Updated = DepositRefunded, b.cfg.Now()
		return putJSON(tx, bucketDeposits, []byte(ref), d)
	}
	return nil
}
