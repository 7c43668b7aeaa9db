package chain

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cometbft/cometbft/mempool"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/rpc/core"
	"github.com/cometbft/cometbft/types"
)

// HTTPClient is a Client for a node's HTTP RPC (Options.RPCListen), for
// processes that do not run the chain themselves.
type HTTPClient struct {
	c *rpchttp.HTTP
}

// NewHTTPClient returns a client for the RPC at addr, e.g.
// "tcp://127.0.0.1:26657" or "http://host:26657". It does not connect
// until the first call.
func NewHTTPClient(addr string) (*HTTPClient, error) {
	c, err := rpchttp.New(addr)
	if err != nil {
		return nil, fmt.Errorf("chain: rpc client %q: %w", addr, err)
	}
	return &HTTPClient{c: c}, nil
}

// BroadcastTxSync implements Client.
func (h *HTTPClient) BroadcastTxSync(ctx context.Context, tx []byte) (*TxResult, error) {
	res, err := h.c.BroadcastTxSync(ctx, types.Tx(tx))
	if err != nil {
		return remoteMempoolError(err)
	}
	r := fromBroadcast(res)
	return r, checkTxError(r)
}

// BroadcastTxCommit implements Client. The node bounds the wait by its
// timeout_broadcast_tx_commit (30s for nodes started by this package).
func (h *HTTPClient) BroadcastTxCommit(ctx context.Context, tx []byte) (*TxResult, error) {
	res, err := h.c.BroadcastTxCommit(ctx, types.Tx(tx))
	if err != nil {
		_, err = remoteMempoolError(err)
		return nil, err
	}
	if res.CheckTx.Code != 0 {
		return nil, &TxError{Hash: res.Hash, Code: res.CheckTx.Code, Codespace: res.CheckTx.Codespace, Log: res.CheckTx.Log}
	}
	r := fromExec(res.Hash, res.Height, 0, &res.TxResult)
	// The response does not carry the tx's index in the block.
	if t, err := h.c.Tx(ctx, res.Hash, false); err == nil {
		r.Index = t.Index
	}
	return r, checkTxError(r)
}

// Query implements Client.
func (h *HTTPClient) Query(ctx context.Context, path string, data []byte, height int64) ([]byte, int64, error) {
	res, err := h.c.ABCIQueryWithOptions(ctx, path, data, rpcclient.ABCIQueryOptions{Height: height})
	if err != nil {
		return nil, 0, fmt.Errorf("chain: query %s: %w", path, err)
	}
	return queryResult(path, res)
}

// Status implements Client.
func (h *HTTPClient) Status(ctx context.Context) (Status, error) {
	st, err := h.c.Status(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("chain: status: %w", err)
	}
	vals, err := h.c.Validators(ctx, nil, nil, nil)
	if err != nil {
		return Status{}, fmt.Errorf("chain: validators: %w", err)
	}
	return fromStatus(st, vals), nil
}

// Header implements Client.
func (h *HTTPClient) Header(ctx context.Context, height int64) (Header, error) {
	st, err := h.c.Status(ctx)
	if err != nil {
		return Header{}, fmt.Errorf("chain: status: %w", err)
	}
	latest := st.SyncInfo.LatestBlockHeight
	if height == 0 {
		height = latest
	}
	if height > latest || height < st.SyncInfo.EarliestBlockHeight {
		return Header{}, fmt.Errorf("%w: %d (latest %d)", ErrNoBlock, height, latest)
	}
	res, err := h.c.BlockchainInfo(ctx, height, height)
	if err != nil {
		return Header{}, fmt.Errorf("chain: header %d: %w", height, err)
	}
	for _, m := range res.BlockMetas {
		if m.Header.Height == height {
			return fromMeta(m), nil
		}
	}
	return Header{}, fmt.Errorf("%w: %d (latest %d)", ErrNoBlock, height, res.LastHeight)
}

// TxSearch implements Client.
func (h *HTTPClient) TxSearch(ctx context.Context, query string, page, perPage int) ([]TxResult, int, error) {
	res, err := h.c.TxSearch(ctx, query, false, &page, &perPage, "asc")
	if err != nil {
		return nil, 0, fmt.Errorf("chain: tx search %q: %w", query, err)
	}
	return fromSearch(res), res.TotalCount, nil
}

// WaitHeight implements Client by polling the node's status.
func (h *HTTPClient) WaitHeight(ctx context.Context, height int64) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := h.c.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= height {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chain: waiting for height %d: %w", height, errors.Join(ctx.Err(), err))
		case <-tick.C:
		}
	}
}

// invalidTx matches the text of mempool.ErrInvalidTx at the end of an RPC
// error: "tx <hash> is invalid: code=<n>, data=<hex>, log='<log>', codespace='<cs>'".
var invalidTx = regexp.MustCompile(`tx ([0-9A-F]*) is invalid: code=(\d+), data=([0-9A-F]*), log='(?s:(.*))', codespace='([^']*)'$`)

// remoteMempoolError maps the mempool's refusals, which arrive as RPC error
// text, to this package's errors, like mempoolError.
func remoteMempoolError(err error) (*TxResult, error) {
	msg := err.Error()
	if m := invalidTx.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.ParseUint(m[2], 10, 32)
		hash, _ := hex.DecodeString(m[1])
		data, _ := hex.DecodeString(m[3])
		r := &TxResult{Hash: hash, Code: uint32(code), Log: m[4], Codespace: m[5], Data: data}
		return r, checkTxError(r)
	}
	switch {
	case strings.Contains(msg, mempool.ErrTxInCache.Error()):
		return nil, fmt.Errorf("%w: %w", ErrTxInMempool, err)
	case strings.Contains(msg, "mempool is full"), strings.Contains(msg, mempool.ErrRecheckFull.Error()):
		return nil, fmt.Errorf("%w: %w", ErrMempoolFull, err)
	case strings.Contains(msg, core.ErrEndpointClosedCatchingUp.Error()):
		return nil, fmt.Errorf("%w: %w", ErrCatchingUp, err)
	}
	return nil, fmt.Errorf("chain: broadcast: %w", err)
}
