package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newWalletFaucetCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "faucet [ADDRESS]",
		Short: "Get test funds from a local network's faucet (no passphrase needed)",
		Long: `Ask the faucet of a local network (opensky up) to send test dollars to the
wallet's account (or ADDRESS). Networks with real money have no faucet:
fund an account there with a deposit or a transfer.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := addressArg(args, wallet)
			if err != nil {
				return err
			}
			c := g.client()
			info, err := chainInfo(cmd.Context(), c)
			if err != nil {
				return err
			}
			if !info.Faucet {
				return fmt.Errorf("chain %s has no faucet: only local networks give test funds; fund %s with a transfer", info.ChainID, addr)
			}
			res, err := c.Faucet(cmd.Context(), addr)
			if err != nil {
				return fmt.Errorf("faucet: %w", err)
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, res)
			}
			amount := attrUSD(eventAttr(res, "transfer", "amount"))
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "the faucet sent %s to %s (%s)\n", amount, addr, txLine(res))
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet to fund when no ADDRESS is given")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
