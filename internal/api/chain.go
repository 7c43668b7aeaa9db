package api

import "time"

// ChainInfo describes the chain a gateway uses and how to pay its jobs.
type ChainInfo struct {
	ChainID    string    `json:"chainId"`
	Height     int64     `json:"height"`
	BlockHash  string    `json:"blockHash"`
	AppHash    string    `json:"appHash"`
	BlockTime  time.Time `json:"blockTime"`
	Validators int       `json:"validators"`
	CatchingUp bool      `json:"catchingUp"`
	// Arbiter is the gateway's account: escrows for its jobs name it.
	Arbiter string `json:"arbiter,omitempty"`
	// FeeBps is the protocol fee on what providers are paid.
	FeeBps int64 `json:"feeBps"`
	// Faucet is set on a local network, whose faucet gives test funds.
	Faucet bool `json:"faucet"`
}

// TxRequest carries a signed transaction to broadcast.
type TxRequest struct {
	// Tx is the signed transaction (base64 in JSON).
	Tx []byte `json:"tx"`
}

// FaucetRequest asks a local network's faucet for funds.
type FaucetRequest struct {
	Address string `json:"address"`
}

// TxResult is a transaction's outcome on the chain.
type TxResult struct {
	Hash      string    `json:"hash"`
	Height    int64     `json:"height"`
	Code      uint32    `json:"code"`
	Codespace string    `json:"codespace,omitempty"`
	Log       string    `json:"log,omitempty"`
	Data      string    `json:"data,omitempty"`
	Events    []TxEvent `json:"events,omitempty"`
}

// TxEvent is something a transaction did ("transfer", "payout", ...).
type TxEvent struct {
	Type  string            `json:"type"`
	Attrs map[string]string `json:"attrs"`
}

// TxPage is one page of an account's transactions, newest first.
type TxPage struct {
	Txs   []TxResult `json:"txs"`
	Total int        `json:"total"`
}
