package api

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/bridge"
)

// BlockHeader is one block of the chain as a verifier needs it: the
// whole CometBFT header (JSON), from which Hash and LastBlockHash can be
// recomputed and checked rather than trusted.
type BlockHeader struct {
	Height        int64           `json:"height"`
	Hash          string          `json:"hash"`          // hex
	LastBlockHash string          `json:"lastBlockHash"` // hex: the block before, which this one commits to
	Time          time.Time       `json:"time"`
	Header        json.RawMessage `json:"header"`
}

// MaxHeadersPerCall bounds the blocks one GET /api/v1/chain/blocks returns.
const MaxHeadersPerCall = 100

// ChainHeaders reads the headers of the blocks from..to (inclusive, at
// most MaxHeadersPerCall).
func (c *Client) ChainHeaders(ctx context.Context, from, to int64) ([]BlockHeader, error) {
	var v []BlockHeader
	q := url.Values{"from": {strconv.FormatInt(from, 10)}, "to": {strconv.FormatInt(to, 10)}}
	err := c.get(ctx, "/chain/blocks", q, &v)
	return v, err
}

// BridgeStatus reads the gateway's Polkadot bridge.
func (c *Client) BridgeStatus(ctx context.Context) (bridge.Status, error) {
	var v bridge.Status
	err := c.get(ctx, "/bridge", nil, &v)
	return v, err
}

// BridgeDeposits lists the deposits made from account.
func (c *Client) BridgeDeposits(ctx context.Context, account string) ([]bridge.Deposit, error) {
	var v []bridge.Deposit
	err := c.get(ctx, "/bridge/deposits", url.Values{"account": {account}}, &v)
	return v, err
}

// BridgeWithdrawals lists the withdrawals burned by account.
func (c *Client) BridgeWithdrawals(ctx context.Context, account string) ([]bridge.Payout, error) {
	var v []bridge.Payout
	err := c.get(ctx, "/bridge/withdrawals", url.Values{"account": {account}}, &v)
	return v, err
}

// BridgeWithdrawal reads the withdrawal of the burn transaction tx (hex).
func (c *Client) BridgeWithdrawal(ctx context.Context, tx string) (bridge.Payout, error) {
	var v bridge.Payout
	err := c.get(ctx, "/bridge/withdrawals/"+url.PathEscape(tx), nil, &v)
	return v, err
}

// BridgeAnchor reads the first anchor at or above height.
func (c *Client) BridgeAnchor(ctx context.Context, height int64) (bridge.Anchor, error) {
	var v bridge.Anchor
	err := c.get(ctx, "/bridge/anchors/"+strconv.FormatInt(height, 10), nil, &v)
	return v, err
}
