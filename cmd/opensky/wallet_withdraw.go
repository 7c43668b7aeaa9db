package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newWalletWithdrawCmd(g *globals) *cobra.Command {
	var wallet, to, output string
	var wait bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "withdraw AMOUNT",
		Short: "Move US dollars from the OpenSky chain to a Polkadot account",
		Long: `Burn AMOUNT US dollars on the OpenSky chain, naming a Polkadot account; the
gateway's bridge then pays the same amount of its stablecoin there, from the
bridge account, once. By default the account is the wallet's own (the same
key on Polkadot); --to names another (any SS58 form).

It waits until the payout is final on Polkadot (--wait=false returns once
the burn is in a block). A payout Polkadot refuses three times is given back
on OpenSky.`,
		Example: `  opensky wallet withdraw 10
  opensky wallet withdraw 2.50 --to 15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			usd, err := parseUSD("amount", args[0], false)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := g.client()
			if _, err := bridgeStatus(ctx, c); err != nil {
				return err
			}
			acct, err := loadWallet(g, wallet)
			if err != nil {
				return err
			}
			dest := identity.PolkadotAddressOf(acct.PublicKey())
			if to != "" {
				pub, err := identity.ParseAddress(to)
				if err != nil {
					return fmt.Errorf("--to %q is not an SS58 address: %w", to, err)
				}
				dest = identity.PolkadotAddressOf(pub)
			}
			res, err := signAndSend(ctx, g, acct, &ledger.MsgBurn{Amount: usd, Dest: dest})
			if err != nil {
				return fmt.Errorf("burn %s for a withdrawal: %w", ledger.FormatUSD(usd), err)
			}
			errw := cmd.ErrOrStderr()
			fmt.Fprintf(errw, "burned %s on OpenSky for %s (%s)\n", ledger.FormatUSD(usd), dest, txLine(res))
			if !wait {
				return nil
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			p, err := awaitWithdrawal(ctx, c, res.Hash, errw)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, p)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "withdrew %s to %s (Polkadot block %d, tx %s)\n", ledger.FormatUSD(p.USD), dest, p.Block, p.Tx)
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet to withdraw from")
	cmd.Flags().StringVar(&to, "to", "", "Polkadot account to pay (default: the wallet's own)")
	cmd.Flags().BoolVar(&wait, "wait", true, "wait until the payout is final on Polkadot")
	cmd.Flags().DurationVar(&timeout, "timeout", 15*time.Minute, "how long to wait for the payout")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// awaitWithdrawal follows the payout of the burn tx until it is final on
// Polkadot or refused, reporting each change on w.
func awaitWithdrawal(ctx context.Context, c *api.Client, tx string, w io.Writer) (bridge.Payout, error) {
	tx = strings.ToLower(tx)
	say := changeLine(w)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		p, err := c.BridgeWithdrawal(ctx, tx)
		var line string
		switch {
		case err != nil:
			line = "waiting for the bridge to see the burn ..."
		case p.State == bridge.PayoutDone:
			return p, nil
		case p.State == bridge.PayoutRefused:
			return p, fmt.Errorf("the bridge could not pay the withdrawal: %s (given back on OpenSky in tx %s)", p.Reason, p.RemintTx)
		case p.State == bridge.PayoutSubmitted && p.Tx != "":
			line = fmt.Sprintf("sent on Polkadot (tx %s, attempt %d); waiting for finality ...", p.Tx, p.Attempts)
		default:
			line = fmt.Sprintf("%s ...", p.State)
			if p.Reason != "" {
				line = fmt.Sprintf("%s: %s ...", p.State, p.Reason)
			}
		}
		say(line)
		select {
		case <-ctx.Done():
			return p, fmt.Errorf("gave up waiting for the payout: %w (it goes on: see 'opensky bridge status')", ctx.Err())
		case <-tick.C:
		}
	}
}
