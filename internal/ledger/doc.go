// Package ledger is the OpenSky chain's state machine: a deterministic
// application of signed transactions to a key-value state, organised in
// modules (bank, registry, escrow, settlement, storage deals, reputation,
// market), and the ABCI application that lets CometBFT replicate it.
//
// Only transactions change state. Every transaction is signed by an
// sr25519 account, carries the chain ID and the sender's nonce, and has one
// canonical encoding (see tx.go). Amounts are integers in micro-USD.
//
// The node that runs this application lives in internal/chain; the flow of
// a block is in README.md.
package ledger
