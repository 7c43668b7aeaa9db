package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/ledger"
)

func newWalletBalanceCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "balance [ADDRESS]",
		Short: "Show an account's balance, nonce and stake on the chain (no passphrase needed)",
		Long: `Show the balance of the wallet's account (or of ADDRESS) on the gateway's
chain, its next nonce, what it stakes as a provider and what is unbonding.
Amounts are US dollars with six decimals.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := addressArg(args, wallet)
			if err != nil {
				return err
			}
			v, err := g.client().Account(cmd.Context(), addr)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, v)
			}
			return printBalance(cmd, v)
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose balance to show when no ADDRESS is given")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

func printBalance(cmd *cobra.Command, v ledger.AccountView) error {
	t := newTable(cmd.OutOrStdout())
	t.row("address", v.Address)
	t.row("balance", ledger.FormatUSD(v.Balance))
	t.row("nonce", fmt.Sprint(v.Nonce))
	t.row("stake", ledger.FormatUSD(v.Stake))
	t.row("unbonding", ledger.FormatUSD(v.Unbonding))
	if err := t.flush(); err != nil {
		return err
	}
	if !v.Exists {
		fmt.Fprintln(cmd.ErrOrStderr(), "note: the chain has not seen this account yet; fund it with 'opensky wallet faucet' on a local network or a transfer")
	}
	return nil
}
