package bridge

import (
	"context"
	"errors"
)

// Ledger is what the bridge needs of the OpenSky chain.
type Ledger interface {
	// Head is the latest committed block (final: CometBFT does not fork).
	Head(ctx context.Context) (height int64, hash []byte, err error)
	// Mint credits usd to the account to for the deposit ref, signed by
	// the bridge account. A ref the ledger has credited before gives
	// ErrCredited.
	Mint(ctx context.Context, to string, usd int64, ref string) (tx string, err error)
	// Burns lists the successful burns in the block at height.
	Burns(ctx context.Context, height int64) ([]Burn, error)
	// Bridged is what the chain has minted and burned through a bridge
	// since genesis.
	Bridged(ctx context.Context) (minted, burned int64, err error)
}

// ErrCredited is returned by Ledger.Mint for a ref already credited.
var ErrCredited = errors.New("bridge: the ledger has credited that deposit already")

// Burn is a withdrawal on OpenSky: bank/burn.
type Burn struct {
	Tx     string // hash of the transaction, hex
	Height int64
	From   string
	USD    int64
	Dest   string // the Polkadot account to pay, as the burner wrote it
}
