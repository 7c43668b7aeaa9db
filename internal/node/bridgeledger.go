package node

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
)

// bridgeLedger is the bridge's view of the chain, over a ledgerclient.
type bridgeLedger struct {
	c *ledgerclient.Client
	s *ledgerclient.Sender
}

// newBridgeLedger is the chain c, minting as the bridge account signer
// (which must be the genesis's bridge).
func newBridgeLedger(c *ledgerclient.Client, signer ledger.Signer) bridge.Ledger {
	return &bridgeLedger{c: c, s: c.Sender(signer)}
}

func (l *bridgeLedger) Head(ctx context.Context) (int64, []byte, error) {
	st, err := l.c.Chain().Status(ctx)
	if err != nil {
		return 0, nil, err
	}
	return st.Height, st.BlockHash, nil
}

func (l *bridgeLedger) Mint(ctx context.Context, to string, usd int64, ref string) (string, error) {
	res, err := l.s.Send(ctx, &ledger.MsgMint{To: to, Amount: usd, Ref: ref})
	if ledger.CodeOf(err) == ledger.CodeConflict {
		return "", bridge.ErrCredited
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(res.Hash), nil
}

func (l *bridgeLedger) Burns(ctx context.Context, height int64) ([]bridge.Burn, error) {
	txs, err := l.c.Chain().BlockTxs(ctx, height)
	if err != nil {
		return nil, err
	}
	var out []bridge.Burn
	for _, t := range txs {
		if t.Code != 0 {
			continue
		}
		for _, e := range t.Events {
			if e.Type != "burn" {
				continue
			}
			b := bridge.Burn{Tx: hex.EncodeToString(t.Hash), Height: t.Height}
			for _, a := range e.Attributes {
				switch a.Key {
				case "from":
					b.From = a.Value
				case "dest":
					b.Dest = a.Value
				case "amount":
					b.USD, err = strconv.ParseInt(a.Value, 10, 64)
					if err != nil {
						return nil, fmt.Errorf("burn in %x: amount %q: %w", t.Hash, a.Value, err)
					}
				}
			}
			out = append(out, b)
		}
	}
	return out, nil
}

func (l *bridgeLedger) Bridged(ctx context.Context) (minted, burned int64, err error) {
	var s ledger.SupplyView
	if err := l.c.Query(ctx, ledger.QuerySupply, &s); err != nil {
		return 0, 0, err
	}
	return s.Minted, s.Burned, nil
}
