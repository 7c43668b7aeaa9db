package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/ledger"
)

func newProviderUnregisterCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "unregister",
		Short: "Retire the wallet's provider; its stake returns after the unbonding period",
		Long: `Retire the provider registered by the wallet's account: it gets no new tasks.
Its stake does not return at once: it unbonds for the chain's unbonding
period (unbondingBlocks in 'opensky chain status' params), during which it
can still be slashed for wrong results found late, and then returns to the
account's balance by itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addr, err := walletAddress(wallet)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := g.client()
			p, err := chainProvider(ctx, c, addr)
			if err != nil {
				return err
			}
			if !p.Active {
				return fmt.Errorf("%s is not an active provider (already unregistered; %s unbonding)", addr, ledger.FormatUSD(p.Unbonding))
			}
			params, err := c.Params(ctx)
			if err != nil {
				return err
			}
			acct, err := loadWallet(g, wallet)
			if err != nil {
				return err
			}
			res, err := signAndSend(ctx, g, acct, &ledger.MsgUnregister{})
			if err != nil {
				return fmt.Errorf("unregister %s: %w", addr, err)
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, res)
			}
			at := eventAttr(res, "unregister", "unbond_at")
			if at == "" {
				at = fmt.Sprint(res.Height + params.UnbondingBlocks)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), `unregistered provider %s (%s)
its stake of %s is unbonding for %d blocks: it can still be slashed until
block %s, then it returns to the balance of %s by itself
`, addr, txLine(res), ledger.FormatUSD(p.Stake), params.UnbondingBlocks, at, addr)
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose provider to retire")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
