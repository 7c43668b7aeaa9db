package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
)

// walletCreated is what 'wallet new' prints with -o json or yaml.
type walletCreated struct {
	Address  string `json:"address"`
	Mnemonic string `json:"mnemonic"`
	File     string `json:"file"`
}

func newWalletNewCmd(_ *globals, w *walletFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Create a wallet with a fresh 12-word secret phrase",
		Long: `Create an account from a fresh 12-word BIP-39 secret phrase, store it
encrypted as the wallet --wallet, and print its address and the phrase.
The phrase is shown this once: write it down, it is the only way to restore
the account if the wallet file or its passphrase is lost.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mnemonic, err := identity.NewMnemonic()
			if err != nil {
				return err
			}
			a, err := identity.AccountFromURI(mnemonic)
			if err != nil {
				return err
			}
			path, err := saveWallet(w.name, a)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if output != "" {
				return printData(out, output, walletCreated{Address: a.Address(), Mnemonic: mnemonic, File: path})
			}
			fmt.Fprintf(out, "created wallet %q\n\n", w.name)
			fmt.Fprintf(out, "address   %s\n", a.Address())
			fmt.Fprintf(out, "file      %s\n\n", path)
			fmt.Fprintf(out, "secret phrase (shown only this once):\n\n    %s\n\n", mnemonic)
			fmt.Fprintln(out, "Write the phrase down and keep it offline. Anyone who has it controls the")
			fmt.Fprintln(out, "account; without it, a lost wallet file or passphrase cannot be recovered.")
			return nil
		},
	}
	addFormatFlag(cmd, &output, "", formatJSON, formatYAML)
	return cmd
}
