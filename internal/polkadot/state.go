package polkadot

import (
	"context"
	"fmt"
	"math/big"
)

// Events returns the events of block h, decoded with the metadata of the
// runtime that block ran.
func (c *Client) Events(ctx context.Context, h Hash) ([]Event, error) {
	if h.IsZero() {
		return nil, fmt.Errorf("polkadot: events: no block hash")
	}
	rt, err := c.runtimeFor(ctx, h)
	if err != nil {
		return nil, err
	}
	raw, err := c.rawEvents(ctx, rt, h)
	if err != nil {
		return nil, err
	}
	evs, err := rt.events.decode(raw, c.asset)
	if err != nil {
		return nil, fmt.Errorf("polkadot: events of block %s: %w", h.Hex(), err)
	}
	return evs, nil
}

// rawEvents reads the System.Events value of block h.
func (c *Client) rawEvents(ctx context.Context, rt *runtime, h Hash) ([]byte, error) {
	raw, ok, err := c.storage(ctx, rt.events.key, h)
	if err != nil {
		return nil, fmt.Errorf("polkadot: events of block %s: %w", h.Hex(), err)
	}
	if !ok {
		return []byte{0}, nil // no events: an empty Vec
	}
	return raw, nil
}

// Balance returns who's free balance of the configured asset at block at
// (the latest finalized block when at is zero): System.Account's
// data.free for the native asset, Assets.Account's balance otherwise. An
// account that does not exist has 0.
func (c *Client) Balance(ctx context.Context, who AccountID, at Hash) (*big.Int, error) {
	if at.IsZero() {
		fin, err := c.FinalizedHead(ctx)
		if err != nil {
			return nil, err
		}
		at = fin.Hash
	}
	rt, err := c.runtimeFor(ctx, at)
	if err != nil {
		return nil, err
	}
	key, err := rt.accounts.balanceKey(who)
	if err != nil {
		return nil, err
	}
	raw, ok, err := c.storage(ctx, key, at)
	if err != nil {
		return nil, fmt.Errorf("polkadot: balance of %s: %w", who.Hex(), err)
	}
	if !ok {
		return new(big.Int), nil
	}
	b, err := rt.accounts.balance(raw)
	if err != nil {
		return nil, fmt.Errorf("polkadot: balance of %s: %w", who.Hex(), err)
	}
	return b, nil
}

// NextNonce returns the nonce the next transaction of who must carry,
// read from System.Account at the best block. Transactions still in the
// pool are not counted: a caller with transactions in flight adds its own
// count. (The node's system_accountNextIndex is not used: Gossamer answers
// it wrongly while the account has a transaction in the pool.)
func (c *Client) NextNonce(ctx context.Context, who AccountID) (uint64, error) {
	best, err := c.BestHead(ctx)
	if err != nil {
		return 0, err
	}
	return c.NonceAt(ctx, who, best.Hash)
}

// NonceAt returns who's nonce in the state after block at: how many of
// its transactions that block and those before it included.
func (c *Client) NonceAt(ctx context.Context, who AccountID, at Hash) (uint64, error) {
	rt, err := c.runtimeFor(ctx, at)
	if err != nil {
		return 0, err
	}
	key, err := rt.accounts.systemKey(who)
	if err != nil {
		return 0, err
	}
	raw, ok, err := c.storage(ctx, key, at)
	if err != nil {
		return 0, fmt.Errorf("polkadot: nonce of %s: %w", who.Hex(), err)
	}
	if !ok {
		return 0, nil
	}
	n, err := rt.accounts.nonce(raw)
	if err != nil {
		return 0, fmt.Errorf("polkadot: nonce of %s: %w", who.Hex(), err)
	}
	return n, nil
}
