package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/polkadot"
)

func newWalletDepositCmd(g *globals) *cobra.Command {
	var wallet, polkadotURL, output string
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "deposit AMOUNT",
		Short: "Move US dollars from the wallet's Polkadot account onto the OpenSky chain",
		Long: `Move AMOUNT US dollars (a decimal such as 1.5) of the bridge's stablecoin from
the wallet's account on Polkadot (the same key and address) to the bridge
account there, with a memo naming this chain and the wallet's account. Once
the block holding it is final on Polkadot, the gateway's bridge credits the
same amount to the wallet's account on OpenSky, exactly once.

It waits for the credit (--wait=false returns once the node accepted the
transaction). A transfer without the right memo, or of an amount finer
than a micro-dollar, is not credited: the bridge sends it back.`,
		Example: `  opensky wallet deposit 25
  opensky wallet deposit 2.50 --polkadot http://127.0.0.1:9944`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			usd, err := parseUSD("amount", args[0], false)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := g.client()
			st, err := bridgeStatus(ctx, c)
			if err != nil {
				return err
			}
			acct, err := loadWallet(g, wallet)
			if err != nil {
				return err
			}
			pd, err := dialPolkadot(ctx, polkadotURL, st)
			if err != nil {
				return err
			}
			defer pd.Close()
			amount, err := bridge.Planck(usd, pd.Asset().Decimals)
			if err != nil {
				return err
			}
			me := polkadot.AccountID(acct.PublicKey())
			bal, err := pd.Balance(ctx, me, polkadot.Hash{})
			if err != nil {
				return fmt.Errorf("read the Polkadot balance of %s: %w", acct.Address(), err)
			}
			if bal.Cmp(amount) <= 0 {
				return fmt.Errorf("the Polkadot account %s holds %s of %s, not enough to deposit %s and pay the fee",
					identity.PolkadotAddressOf(acct.PublicKey()), bal, st.Asset, ledger.FormatUSD(usd))
			}
			bridgePub, err := identity.ParseAddress(st.Account)
			if err != nil {
				return fmt.Errorf("the bridge account %q: %w", st.Account, err)
			}
			before, err := c.BridgeDeposits(ctx, acct.Address())
			if err != nil {
				return fmt.Errorf("read your deposits: %w", err)
			}
			sub, err := pd.SubmitTransfer(ctx, acct, polkadot.Transfer{To: polkadot.AccountID(bridgePub), Amount: amount,
				Memo: []byte(bridge.DepositMemo(st.ChainID, acct.Address()))})
			if err != nil {
				return fmt.Errorf("send the deposit on Polkadot: %w", err)
			}
			errw := cmd.ErrOrStderr()
			fmt.Fprintf(errw, "sent %s to the bridge on Polkadot (tx %s, valid until block %d)\n", ledger.FormatUSD(usd), sub.Hash.Hex(), sub.Expires)
			if !wait {
				return nil
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			d, err := awaitDeposit(ctx, c, acct.Address(), before, sub, errw)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, d)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "deposited %s to %s (Polkadot block %d, ref %s, mint tx %s)\n",
				ledger.FormatUSD(d.USD), d.From, d.Block, d.Ref, d.MintTx)
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet to deposit from (its key holds the Polkadot account too)")
	cmd.Flags().StringVar(&polkadotURL, "polkadot", "", "Polkadot node to send through (default: the one the gateway's bridge watches)")
	cmd.Flags().BoolVar(&wait, "wait", true, "wait until the deposit is credited on OpenSky")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "how long to wait for the credit")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// awaitDeposit waits until the bridge has seen the deposit sub and
// credited it, reporting progress on w. A deposit the bridge refused, or
// a transaction that was not included before its era ended, is an error.
func awaitDeposit(ctx context.Context, c *api.Client, addr string, before []bridge.Deposit, sub polkadot.Submitted, w io.Writer) (bridge.Deposit, error) {
	known := map[string]bool{}
	for _, d := range before {
		known[d.Ref] = true
	}
	say := changeLine(w)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		// The status first: a bridge that has scanned past the deposit's
		// last block has recorded it by the time the list is read.
		st, serr := c.BridgeStatus(ctx)
		ds, err := c.BridgeDeposits(ctx, addr)
		if err == nil {
			for _, d := range ds {
				if known[d.Ref] || d.Block <= sub.Birth.Number || d.Block > sub.Expires {
					continue
				}
				switch d.State {
				case bridge.DepositCredited:
					return d, nil
				case bridge.DepositRefunding, bridge.DepositRefunded:
					return d, fmt.Errorf("the bridge did not credit the deposit in Polkadot block %d: %s; it is %s to %s", d.Block, d.Reason, d.State, d.From)
				default:
					say(fmt.Sprintf("final in Polkadot block %d; crediting ...", d.Block))
				}
			}
		}
		switch {
		case serr != nil:
			say(fmt.Sprintf("waiting for the bridge: %v", serr))
		case !st.Reachable:
			say(fmt.Sprintf("waiting: the bridge cannot reach Polkadot (%s)", st.LastError))
		case err == nil && st.Processed > sub.Expires:
			return bridge.Deposit{}, fmt.Errorf("the deposit was not included on Polkadot by block %d, when its transaction expired: nothing was moved; check your balance and try again", sub.Expires)
		default:
			say(fmt.Sprintf("waiting for Polkadot finality (bridge at block %d, finalized %d) ...", st.Processed, st.Finalized))
		}
		select {
		case <-ctx.Done():
			return bridge.Deposit{}, fmt.Errorf("gave up waiting for the credit: %w (the deposit may still be credited: see 'opensky bridge status')", ctx.Err())
		case <-tick.C:
		}
	}
}
