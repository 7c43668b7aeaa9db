package gateway

import (
	"context"
	"encoding/json"

	"github.com/opensky-network/opensky/internal/api"
)

// Chain is the part of the OpenSky chain a gateway serves under
// /api/v1/chain: its status, the ledger's queries, broadcasting signed
// transactions, an account's history and, on a local network, a faucet.
// Errors that are the ledger's verdict on bad input are *ledger.TxError.
type Chain interface {
	ChainInfo(ctx context.Context) (api.ChainInfo, error)
	// ChainQuery answers a ledger query path (see ledger.Query…).
	ChainQuery(ctx context.Context, path string) (json.RawMessage, error)
	// BroadcastTx submits a signed transaction and waits for its block.
	BroadcastTx(ctx context.Context, tx []byte) (api.TxResult, error)
	// TxHistory lists the transactions that touched an account.
	TxHistory(ctx context.Context, addr string, page, perPage int) (api.TxPage, error)
	// Faucet sends test funds to addr; ErrNotFound where there is none.
	Faucet(ctx context.Context, addr string) (api.TxResult, error)
}
