package api

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/opensky-network/opensky/internal/ledger"
)

// CodeTxRejected is the error code of a transaction the chain refused; the
// ledger's own code is in the error's details (see LedgerCode).
const CodeTxRejected = "tx_rejected"

// LedgerCode returns the ledger's code ("bad_nonce", "insufficient_funds",
// ...) of a transaction the gateway reported as rejected, or "" when err
// is not such a rejection.
func LedgerCode(err error) string {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Body.Code != CodeTxRejected {
		return ""
	}
	for _, d := range ae.Body.Details {
		if d.Path == "code" {
			return d.Message
		}
	}
	return ""
}

// IsNoChain reports whether err, from ChainInfo, says that the gateway
// serves no chain: its chain routes answer 404.
func IsNoChain(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == 404
}

// ChainInfo describes the gateway's chain; an *APIError with status 404
// means the gateway runs without one.
func (c *Client) ChainInfo(ctx context.Context) (ChainInfo, error) {
	var v ChainInfo
	err := c.get(ctx, "/chain", nil, &v)
	return v, err
}

// Account reads an account: balance, next nonce, stake and unbonding
// stake. An account the chain never saw has Exists false.
func (c *Client) Account(ctx context.Context, addr string) (ledger.AccountView, error) {
	var v ledger.AccountView
	err := c.get(ctx, "/chain/accounts/"+url.PathEscape(addr), nil, &v)
	return v, err
}

// AccountTxs lists the transactions that touched an account, newest first;
// page counts from 1 and perPage is at most 100 (zero values take the
// gateway's defaults).
func (c *Client) AccountTxs(ctx context.Context, addr string, page, perPage int) (TxPage, error) {
	q := url.Values{}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if perPage > 0 {
		q.Set("perPage", strconv.Itoa(perPage))
	}
	var v TxPage
	err := c.get(ctx, "/chain/accounts/"+url.PathEscape(addr)+"/txs", q, &v)
	return v, err
}

// ChainProviders lists every provider registered on the chain, with its
// stake and reputation. (Providers lists the peers the orchestrator sees.)
func (c *Client) ChainProviders(ctx context.Context) ([]ledger.ProviderView, error) {
	var v []ledger.ProviderView
	err := c.get(ctx, "/chain/providers", nil, &v)
	return v, err
}

// ChainProvider reads a registered provider by account address or peer ID.
func (c *Client) ChainProvider(ctx context.Context, id string) (ledger.ProviderView, error) {
	var v ledger.ProviderView
	err := c.get(ctx, "/chain/providers/"+url.PathEscape(id), nil, &v)
	return v, err
}

// Escrow reads an escrow by ID.
func (c *Client) Escrow(ctx context.Context, id string) (ledger.Escrow, error) {
	var v ledger.Escrow
	err := c.get(ctx, "/chain/escrows/"+url.PathEscape(id), nil, &v)
	return v, err
}

// JobEscrow reads the escrow that pays for a job.
func (c *Client) JobEscrow(ctx context.Context, job string) (ledger.Escrow, error) {
	var v ledger.Escrow
	err := c.get(ctx, "/chain/jobs/"+url.PathEscape(job), nil, &v)
	return v, err
}

// Market reads the chain's price index and settled volume.
func (c *Client) Market(ctx context.Context) (ledger.Market, error) {
	var v ledger.Market
	err := c.get(ctx, "/chain/market", nil, &v)
	return v, err
}

// Params reads the chain's rules: fee, slashing, minimum stake, unbonding.
func (c *Client) Params(ctx context.Context) (ledger.Params, error) {
	var v ledger.Params
	err := c.get(ctx, "/chain/params", nil, &v)
	return v, err
}

// Supply reads the supply and the treasury.
func (c *Client) Supply(ctx context.Context) (ledger.SupplyView, error) {
	var v ledger.SupplyView
	err := c.get(ctx, "/chain/supply", nil, &v)
	return v, err
}

// Invariants checks the chain's invariants on its latest state.
func (c *Client) Invariants(ctx context.Context) (ledger.Report, error) {
	var v ledger.Report
	err := c.get(ctx, "/chain/invariants", nil, &v)
	return v, err
}

// BroadcastTx submits a signed transaction and returns its result once it
// is in a block. A rejection is an *APIError with code CodeTxRejected;
// LedgerCode tells why.
func (c *Client) BroadcastTx(ctx context.Context, tx []byte) (TxResult, error) {
	var v TxResult
	err := c.postJSON(ctx, "/chain/txs", TxRequest{Tx: tx}, &v)
	return v, err
}

// Faucet asks a local network's faucet to fund addr.
func (c *Client) Faucet(ctx context.Context, addr string) (TxResult, error) {
	var v TxResult
	err := c.postJSON(ctx, "/chain/faucet", FaucetRequest{Address: addr}, &v)
	return v, err
}
