package devnet

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// devFunder is the development account of a development Polkadot chain
// (westend-dev and the like endow it).
const devFunder = "//Alice"

// fundBridgeFees gives the development bridge account 10 tokens for its
// Polkadot fees from //Alice when it holds less than one, on a chain where
// //Alice is rich (a development chain). The transfer carries the fees
// memo, so the bridge keeps it rather than send it back. It waits until
// the transfer is final, sending it again when a development node drops it.
func fundBridgeFees(ctx context.Context, gateway, url, chainID string, log *slog.Logger) error {
	// The bridge watches from the finalized head it first sees: fund it
	// once it watches, so that it records the top-up.
	c := api.NewClient(gateway)
	for wait := time.Now().Add(time.Minute); ; {
		st, err := c.BridgeStatus(ctx)
		if err == nil && st.Reachable && st.Processed > 0 {
			break
		}
		if time.Now().After(wait) {
			return fmt.Errorf("the bridge is not watching Polkadot after a minute: %v", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	native := polkadot.Asset{Native: true, Decimals: 12}
	pd, err := polkadot.Dial(ctx, polkadot.Options{URL: url, Asset: native, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer pd.Close()
	op, err := identity.AccountFromURI(BridgeURI)
	if err != nil {
		return err
	}
	funder, err := identity.AccountFromURI(devFunder)
	if err != nil {
		return err
	}
	token := big.NewInt(1_000_000_000_000)
	have, err := pd.Balance(ctx, polkadot.AccountID(op.PublicKey()), polkadot.Hash{})
	if err != nil {
		return err
	}
	if have.Cmp(token) >= 0 {
		return nil
	}
	rich, err := pd.Balance(ctx, polkadot.AccountID(funder.PublicKey()), polkadot.Hash{})
	if err != nil {
		return err
	}
	amount := new(big.Int).Mul(token, big.NewInt(10))
	if rich.Cmp(new(big.Int).Mul(amount, big.NewInt(10))) < 0 {
		return fmt.Errorf("%s holds %s, so this is not a development chain: send the bridge account %s a little of the native token for fees, with the memo %q",
			devFunder, rich, identity.PolkadotAddressOf(op.PublicKey()), bridge.FeesMemo(chainID))
	}
	log.Info("funding the bridge's Polkadot fees from the development account", "from", devFunder,
		"to", identity.PolkadotAddressOf(op.PublicKey()), "amount", amount)
	for attempt := 1; attempt <= 4; attempt++ {
		sub, err := pd.SubmitTransfer(ctx, funder, polkadot.Transfer{To: polkadot.AccountID(op.PublicKey()), Amount: amount,
			Memo: []byte(bridge.FeesMemo(chainID)), TxOptions: polkadot.TxOptions{Period: 16}})
		if err != nil {
			return err
		}
		for {
			if have, err := pd.Balance(ctx, polkadot.AccountID(op.PublicKey()), polkadot.Hash{}); err == nil && have.Cmp(token) >= 0 {
				return nil
			}
			fin, err := pd.FinalizedHead(ctx)
			if err != nil {
				return err
			}
			if fin.Number > sub.Expires {
				break // dropped: send it again
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	return fmt.Errorf("the transfer from %s was not included in 4 attempts", devFunder)
}
