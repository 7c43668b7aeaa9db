// Package ledgerclient reads and writes the OpenSky chain through any
// chain.Client: typed queries over the ledger's query paths, a Sender that
// signs and submits an account's transactions with the right nonces, and
// the orchestrator's arbiter and the provider's registration built on
// them.
package ledgerclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Client reads the ledger's state through a chain node.
type Client struct {
	c chain.Client

	mu      sync.Mutex
	chainID string
	params  *ledger.Params
}

// New reads and writes the ledger through c.
func New(c chain.Client) *Client { return &Client{c: c} }

// Chain is the underlying chain client.
func (c *Client) Chain() chain.Client { return c.c }

// Query answers a ledger query path (ledger.Query…) into v. An answer
// with a ledger code is a *ledger.TxError, so errors.Is(err,
// ledger.ErrNotFound) works.
func (c *Client) Query(ctx context.Context, path string, v any) error {
	b, _, err := c.c.Query(ctx, path, nil, 0)
	if err != nil {
		return ledgerError(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("ledger query %s: %w", path, err)
	}
	return nil
}

// QueryRaw answers a ledger query path with its JSON.
func (c *Client) QueryRaw(ctx context.Context, path string) (json.RawMessage, error) {
	b, _, err := c.c.Query(ctx, path, nil, 0)
	if err != nil {
		return nil, ledgerError(err)
	}
	return b, nil
}

// ledgerError turns the chain's reports of the ledger's codes into
// *ledger.TxError, keeping the original in the chain.
func ledgerError(err error) error {
	var qe *chain.QueryError
	if errors.As(err, &qe) && qe.Codespace == "opensky" {
		return fmt.Errorf("%w", &ledger.TxError{Code: ledger.Code(qe.Code), Reason: qe.Log})
	}
	var te *chain.TxError
	if errors.As(err, &te) && te.Codespace == "opensky" {
		return &ledger.TxError{Code: ledger.Code(te.Code), Reason: te.Log}
	}
	return err
}

// ChainID is the chain's ID, read once.
func (c *Client) ChainID(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.chainID != "" {
		return c.chainID, nil
	}
	st, err := c.c.Status(ctx)
	if err != nil {
		return "", err
	}
	c.chainID = st.ChainID
	return c.chainID, nil
}

// Params are the chain's rules, read once: they are fixed at genesis.
func (c *Client) Params(ctx context.Context) (ledger.Params, error) {
	c.mu.Lock()
	p := c.params
	c.mu.Unlock()
	if p != nil {
		return *p, nil
	}
	var v ledger.Params
	if err := c.Query(ctx, ledger.QueryParams, &v); err != nil {
		return v, err
	}
	c.mu.Lock()
	c.params = &v
	c.mu.Unlock()
	return v, nil
}

// Account reads an account, its nonce and its stake.
func (c *Client) Account(ctx context.Context, addr string) (ledger.AccountView, error) {
	var v ledger.AccountView
	return v, c.Query(ctx, ledger.QueryAccount+addr, &v)
}

// Escrow reads an escrow by ID.
func (c *Client) Escrow(ctx context.Context, id string) (ledger.Escrow, error) {
	var v ledger.Escrow
	return v, c.Query(ctx, ledger.QueryEscrow+id, &v)
}

// Provider reads a provider by account address or peer ID.
func (c *Client) Provider(ctx context.Context, id string) (ledger.ProviderView, error) {
	var v ledger.ProviderView
	return v, c.Query(ctx, ledger.QueryProvider+id, &v)
}

// Providers lists every provider ever registered.
func (c *Client) Providers(ctx context.Context) ([]ledger.ProviderView, error) {
	var v []ledger.ProviderView
	return v, c.Query(ctx, ledger.QueryProviders, &v)
}

// Invariants checks the chain's invariants on the node's latest state.
func (c *Client) Invariants(ctx context.Context) (ledger.Report, error) {
	var v ledger.Report
	return v, c.Query(ctx, ledger.QueryInvariants, &v)
}

// Broadcast submits a signed transaction and waits until it is in a
// block. A rejection, before or in the block, is a *ledger.TxError.
func (c *Client) Broadcast(ctx context.Context, tx []byte) (*chain.TxResult, error) {
	r, err := c.c.BroadcastTxCommit(ctx, tx)
	if err != nil {
		return r, ledgerError(err)
	}
	return r, nil
}
