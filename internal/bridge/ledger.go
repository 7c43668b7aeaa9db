package bridge

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
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

// chainLedger is Ledger over a ledgerclient.
type chainLedger struct {
	c *ledgerclient.Client
	s *ledgerclient.Sender
}

// NewLedger is the Ledger of the chain c, minting as the bridge account
// signer (which must be the genesis's bridge).
func NewLedger(c *ledgerclient.Client, signer ledger.Signer) Ledger {
	return &chainLedger{c: c, s: c.Sender(signer)}
}

func (l *chainLedger) Head(ctx context.Context) (int64, []byte, error) {
	st, err := l.c.Chain().Status(ctx)
	if err != nil {
		return 0, nil, err
	}
	return st.Height, st.BlockHash, nil
}

func (l *chainLedger) Mint(ctx context.Context, to string, usd int64, ref string) (string, error) {
	res, err := l.s.Send(ctx, &ledger.MsgMint{To: to, Amount: usd, Ref: ref})
	if ledger.CodeOf(err) == ledger.CodeConflict {
		return "", ErrCredited
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(res.Hash), nil
}

func (l *chainLedger) Burns(ctx context.Context, height int64) ([]Burn, error) {
	txs, err := l.c.Chain().BlockTxs(ctx, height)
	if err != nil {
		return nil, err
	}
	var out []Burn
	for _, t := range txs {
		if t.Code != 0 {
			continue
		}
		for _, e := range t.Events {
			if e.Type != "burn" {
				continue
			}
			b := Burn{Tx: hex.EncodeToString(t.Hash), Height: t.Height}
			for _, a := range e.Attributes {
				switch a.Key {
				case "from":
					b.From = a.Value
				case "dest":
					b.Dest = a.Value
				case "amount":
					b.USD, err = strconv.ParseInt(a.Value, 10, 64)
					if err != nil {
						return nil, fmt.Errorf("bridge: burn in %x: amount %q: %w", t.Hash, a.Value, err)
					}
				}
			}
			out = append(out, b)
		}
	}
	return out, nil
}
