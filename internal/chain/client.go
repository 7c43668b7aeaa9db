package chain

import (
	"context"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
)

// Client is what callers of the chain (orchestrator, gateway, CLI) use: the
// in-process *Node or an *HTTPClient talking to a node's RPC.
type Client interface {
	// BroadcastTxSync submits tx and returns once CheckTx has run. A
	// rejection is a *TxError.
	BroadcastTxSync(ctx context.Context, tx []byte) (*TxResult, error)
	// BroadcastTxCommit submits tx and returns once it is in a block. A
	// rejection by CheckTx is a *TxError without a result; a tx that made
	// it into a block but failed there returns both its result and a
	// *TxError.
	BroadcastTxCommit(ctx context.Context, tx []byte) (*TxResult, error)
	// Query runs an ABCI query at height (0 = latest) and returns the value
	// and the height it was answered at. An app error is a *QueryError.
	Query(ctx context.Context, path string, data []byte, height int64) ([]byte, int64, error)
	// Status describes the node and the tip of its chain.
	Status(ctx context.Context) (Status, error)
	// Header returns the header at height (0 = latest).
	Header(ctx context.Context, height int64) (Header, error)
	// TxSearch finds committed txs by CometBFT event query (e.g.
	// "tx.height=5", "app.key='x'"), oldest first; page counts from 1.
	// It returns the page and the total number of matches. Blocks are
	// indexed just after they are committed, so a tx that
	// BroadcastTxCommit has just returned may take a moment to show.
	TxSearch(ctx context.Context, query string, page, perPage int) ([]TxResult, int, error)
	// WaitHeight returns once the chain has a block at height h.
	WaitHeight(ctx context.Context, h int64) error
	// BlockTxs returns every transaction of the block at height with its
	// result, in block order. Unlike TxSearch it does not depend on the
	// indexer having caught up: a block the node has is complete.
	BlockTxs(ctx context.Context, height int64) ([]TxResult, error)
}

var (
	_ Client = (*Node)(nil)
	_ Client = (*HTTPClient)(nil)
)

// TxResult is a transaction's outcome: after CheckTx (Height 0) or after
// execution in a block.
type TxResult struct {
	Hash      []byte // SHA-256 of the tx, as CometBFT indexes it
	Height    int64  // block height; 0 if not in a block yet
	Index     uint32 // position in the block
	Code      uint32 // 0 = OK
	Codespace string
	Log       string
	Data      []byte
	GasWanted int64
	GasUsed   int64
	Events    []abcitypes.Event
}

// Status describes a node and the tip of its chain.
type Status struct {
	ChainID    string
	NodeID     string
	Moniker    string
	P2PAddr    string // "nodeid@host:port"
	Height     int64  // latest block height
	BlockHash  []byte
	AppHash    []byte // from the latest header: the state after the block before it
	BlockTime  time.Time
	CatchingUp bool
	Validators int   // size of the current validator set
	Power      int64 // this node's voting power; 0 if not a validator
}

// Header is the part of a block header callers need.
type Header struct {
	Height          int64
	Hash            []byte
	Time            time.Time
	AppHash         []byte // state after executing the previous block
	LastResultsHash []byte
	ProposerAddress []byte
	NumTxs          int
	LastBlockHash   []byte // the hash of the block before, which this header commits to
	// Raw is the whole CometBFT header in its JSON form (libs/json), from
	// which Hash can be recomputed.
	Raw []byte
}
