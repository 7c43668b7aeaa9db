package chain

import (
	"context"
	"errors"
	"fmt"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/mempool"
	"github.com/cometbft/cometbft/rpc/core"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
)

// BroadcastTxSync submits tx to the mempool and returns the CheckTx
// result. A rejection is a *TxError (and the result); a duplicate is
// ErrTxInMempool.
func (n *Node) BroadcastTxSync(ctx context.Context, tx []byte) (*TxResult, error) {
	release, err := n.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	res, err := n.env.BroadcastTxSync(n.rpcCtx(ctx), tx)
	if err != nil {
		return mempoolError(err)
	}
	r := fromBroadcast(res)
	return r, checkTxError(r)
}

// BroadcastTxCommit submits tx and waits until it is in a block or ctx is
// done. A CheckTx rejection is a *TxError and no result; a tx executed
// with a non-zero code returns its result and a *TxError.
func (n *Node) BroadcastTxCommit(ctx context.Context, tx []byte) (*TxResult, error) {
	release, err := n.acquire()
	if err != nil {
		return nil, err
	}
	// Subscribe before submitting, so that the block cannot be missed.
	bus := n.node.EventBus()
	subscriber := fmt.Sprintf("broadcast-tx-commit-%d", n.seq.Add(1))
	q := types.EventQueryTxFor(tx)
	sub, err := bus.Subscribe(ctx, subscriber, q, 1)
	if err != nil {
		release()
		return nil, fmt.Errorf("chain: subscribe to tx: %w", err)
	}
	defer func() { _ = bus.Unsubscribe(context.Background(), subscriber, q) }()

	res, err := n.env.BroadcastTxSync(n.rpcCtx(ctx), tx)
	release()
	if err != nil {
		_, err = mempoolError(err)
		return nil, err
	}
	if checked := fromBroadcast(res); checked.Code != 0 {
		return nil, checkTxError(checked)
	}

	select {
	case msg := <-sub.Out():
		ev, ok := msg.Data().(types.EventDataTx)
		if !ok {
			return nil, fmt.Errorf("chain: unexpected event %T", msg.Data())
		}
		r := fromTxResult(&ev.TxResult)
		return r, checkTxError(r)
	case <-sub.Canceled():
		select {
		case <-n.done:
			return nil, ErrClosed
		default:
		}
		return nil, fmt.Errorf("chain: waiting for tx %X: %w", res.Hash, sub.Err())
	case <-n.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, fmt.Errorf("chain: waiting for tx %X: %w", res.Hash, ctx.Err())
	}
}

// mempoolError maps the mempool's refusals to this package's errors. An
// app's CheckTx rejection arrives as an error too, and becomes a result
// and a *TxError.
func mempoolError(err error) (*TxResult, error) {
	var (
		invalid mempool.ErrInvalidTx
		full    mempool.ErrMempoolIsFull
	)
	switch {
	case errors.As(err, &invalid):
		r := &TxResult{Hash: invalid.Hash, Code: invalid.Code, Codespace: invalid.Codespace, Log: invalid.Log, Data: invalid.Data}
		return r, checkTxError(r)
	case errors.Is(err, mempool.ErrTxInCache):
		return nil, fmt.Errorf("%w: %w", ErrTxInMempool, err)
	case errors.As(err, &full), errors.Is(err, mempool.ErrRecheckFull):
		return nil, fmt.Errorf("%w: %w", ErrMempoolFull, err)
	case errors.Is(err, core.ErrEndpointClosedCatchingUp):
		return nil, fmt.Errorf("%w: %w", ErrCatchingUp, err)
	}
	return nil, fmt.Errorf("chain: broadcast: %w", err)
}

func fromBroadcast(res *ctypes.ResultBroadcastTx) *TxResult {
	return &TxResult{
		Hash:      res.Hash,
		Code:      res.Code,
		Codespace: res.Codespace,
		Log:       res.Log,
		Data:      res.Data,
	}
}

func fromTxResult(tr *abcitypes.TxResult) *TxResult {
	return fromExec(types.Tx(tr.Tx).Hash(), tr.Height, tr.Index, &tr.Result)
}

func fromExec(hash []byte, height int64, index uint32, res *abcitypes.ExecTxResult) *TxResult {
	return &TxResult{
		Hash:      hash,
		Height:    height,
		Index:     index,
		Code:      res.Code,
		Codespace: res.Codespace,
		Log:       res.Log,
		Data:      res.Data,
		GasWanted: res.GasWanted,
		GasUsed:   res.GasUsed,
		Events:    res.Events,
	}
}
