package chain

import (
	"context"
	"fmt"

	ctypes "github.com/cometbft/cometbft/rpc/core/types"
)

// BlockTxs implements Client from the node's block and state stores.
func (n *Node) BlockTxs(ctx context.Context, height int64) ([]TxResult, error) {
	release, err := n.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	b, err := n.env.Block(n.rpcCtx(ctx), &height)
	if err != nil {
		return nil, fmt.Errorf("chain: block %d: %w", height, err)
	}
	if b.Block == nil {
		return nil, fmt.Errorf("%w: %d", ErrNoBlock, height)
	}
	r, err := n.env.BlockResults(n.rpcCtx(ctx), &height)
	if err != nil {
		return nil, fmt.Errorf("chain: results of block %d: %w", height, err)
	}
	return joinBlock(b, r)
}

// BlockTxs implements Client over the node's RPC.
func (h *HTTPClient) BlockTxs(ctx context.Context, height int64) ([]TxResult, error) {
	b, err := h.c.Block(ctx, &height)
	if err != nil {
		return nil, fmt.Errorf("chain: block %d: %w", height, err)
	}
	if b.Block == nil {
		return nil, fmt.Errorf("%w: %d", ErrNoBlock, height)
	}
	r, err := h.c.BlockResults(ctx, &height)
	if err != nil {
		return nil, fmt.Errorf("chain: results of block %d: %w", height, err)
	}
	return joinBlock(b, r)
}

// joinBlock pairs a block's transactions with their results.
func joinBlock(b *ctypes.ResultBlock, r *ctypes.ResultBlockResults) ([]TxResult, error) {
	txs := b.Block.Data.Txs
	if len(r.TxResults) != len(txs) {
		return nil, fmt.Errorf("chain: block %d has %d transactions and %d results", b.Block.Height, len(txs), len(r.TxResults))
	}
	out := make([]TxResult, len(txs))
	for i, tx := range txs {
		out[i] = *fromExec(tx.Hash(), b.Block.Height, uint32(i), r.TxResults[i])
	}
	return out, nil
}
