package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cometbft/cometbft/types"
)

// ErrNoBlock is returned for a height the node has no block at.
var ErrNoBlock = errors.New("chain: no block at that height")

// Query runs an ABCI query against the app at height (0 = latest) and
// returns the value and the height it answers for. A non-zero code from
// the app is a *QueryError.
func (n *Node) Query(ctx context.Context, path string, data []byte, height int64) ([]byte, int64, error) {
	release, err := n.acquire()
	if err != nil {
		return nil, 0, err
	}
	defer release()
	res, err := n.env.ABCIQuery(n.rpcCtx(ctx), path, data, height, false)
	if err != nil {
		return nil, 0, fmt.Errorf("chain: query %s: %w", path, err)
	}
	return queryResult(path, res)
}

func queryResult(path string, res *ctypes.ResultABCIQuery) ([]byte, int64, error) {
	r := res.Response
	if r.Code != 0 {
		return nil, r.Height, &QueryError{Path: path, Code: r.Code, Codespace: r.Codespace, Log: r.Log}
	}
	return r.Value, r.Height, nil
}

// Status describes the node and the tip of its chain.
func (n *Node) Status(ctx context.Context) (Status, error) {
	release, err := n.acquire()
	if err != nil {
		return Status{}, err
	}
	defer release()
	st, err := n.env.Status(n.rpcCtx(ctx))
	if err != nil {
		return Status{}, fmt.Errorf("chain: status: %w", err)
	}
	vals, err := n.env.Validators(n.rpcCtx(ctx), nil, nil, nil)
	if err != nil {
		return Status{}, fmt.Errorf("chain: validators: %w", err)
	}
	return fromStatus(st, vals), nil
}

func fromStatus(st *ctypes.ResultStatus, vals *ctypes.ResultValidators) Status {
	ni, si := st.NodeInfo, st.SyncInfo
	return Status{
		ChainID:    ni.Network,
		NodeID:     string(ni.ID()),
		Moniker:    ni.Moniker,
		P2PAddr:    string(ni.ID()) + "@" + trimScheme(ni.ListenAddr),
		Height:     si.LatestBlockHeight,
		BlockHash:  si.LatestBlockHash,
		AppHash:    si.LatestAppHash,
		BlockTime:  si.LatestBlockTime,
		CatchingUp: si.CatchingUp,
		Validators: vals.Total,
		Power:      st.ValidatorInfo.VotingPower,
	}
}

// Header returns the header of the block at height (0 = latest).
func (n *Node) Header(_ context.Context, height int64) (Header, error) {
	release, err := n.acquire()
	if err != nil {
		return Header{}, err
	}
	defer release()
	bs := n.node.BlockStore()
	if height == 0 {
		height = bs.Height()
	}
	meta := bs.LoadBlockMeta(height)
	if meta == nil {
		return Header{}, fmt.Errorf("%w: %d (latest %d)", ErrNoBlock, height, bs.Height())
	}
	return fromMeta(meta), nil
}

func fromMeta(m *types.BlockMeta) Header {
	raw, _ := cmtjson.Marshal(m.Header) // a header always encodes
	return Header{
		Raw:             raw,
		Height:          m.Header.Height,
		Hash:            m.BlockID.Hash,
		Time:            m.Header.Time,
		AppHash:         m.Header.AppHash,
		LastResultsHash: m.Header.LastResultsHash,
		ProposerAddress: m.Header.ProposerAddress,
		NumTxs:          m.NumTxs,
		LastBlockHash:   m.Header.LastBlockID.Hash,
	}
}

// TxSearch finds committed txs matching a CometBFT event query, oldest
// first. page counts from 1; perPage is capped at 100 by CometBFT.
func (n *Node) TxSearch(ctx context.Context, query string, page, perPage int) ([]TxResult, int, error) {
	release, err := n.acquire()
	if err != nil {
		return nil, 0, err
	}
	defer release()
	res, err := n.env.TxSearch(n.rpcCtx(ctx), query, false, &page, &perPage, "asc")
	if err != nil {
		return nil, 0, fmt.Errorf("chain: tx search %q: %w", query, err)
	}
	return fromSearch(res), res.TotalCount, nil
}

func fromSearch(res *ctypes.ResultTxSearch) []TxResult {
	out := make([]TxResult, 0, len(res.Txs))
	for _, t := range res.Txs {
		out = append(out, *fromExec(t.Hash, t.Height, t.Index, &t.TxResult))
	}
	return out
}

// WaitHeight returns once the node has stored the block at height h.
func (n *Node) WaitHeight(ctx context.Context, h int64) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if n.node.BlockStore().Height() >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chain: waiting for height %d (at %d): %w", h, n.node.BlockStore().Height(), ctx.Err())
		case <-n.done:
			return ErrClosed
		case <-tick.C:
		}
	}
}

func trimScheme(addr string) string {
	if _, rest, ok := strings.Cut(addr, "://"); ok {
		return rest
	}
	return addr
}
