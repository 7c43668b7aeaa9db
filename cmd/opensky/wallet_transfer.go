package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newWalletTransferCmd(g *globals) *cobra.Command {
	var wallet, memo, output string
	cmd := &cobra.Command{
		Use:   "transfer TO AMOUNT",
		Short: "Send US dollars from the wallet's account to another account",
		Long: `Send AMOUNT US dollars (a decimal such as 1.5, at most six places) from the
wallet's account to the account TO on the gateway's chain, and wait until the
transfer is in a block. The wallet's passphrase comes from OPENSKY_PASSPHRASE
or the terminal.`,
		Example: `  opensky wallet transfer 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty 2.50 --memo "thanks"`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			to, err := identity.CanonicalAddress(args[0])
			if err != nil {
				return fmt.Errorf("%q is not an account address: %w", args[0], err)
			}
			amount, err := parseUSD("amount", args[1], false)
			if err != nil {
				return err
			}
			acct, err := loadWallet(g, wallet)
			if err != nil {
				return err
			}
			res, err := signAndSend(cmd.Context(), g, acct, &ledger.MsgTransfer{To: to, Amount: amount, Memo: memo})
			if err != nil {
				return fmt.Errorf("transfer %s to %s: %w", ledger.FormatUSD(amount), to, err)
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, res)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "sent %s from %s to %s (%s)\n", ledger.FormatUSD(amount), acct.Address(), to, txLine(res))
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet to send from")
	cmd.Flags().StringVar(&memo, "memo", "", "a note recorded with the transfer (at most 256 bytes)")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
