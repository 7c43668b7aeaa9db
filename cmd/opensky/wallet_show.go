package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
)

func newWalletShowCmd(_ *globals, w *walletFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print a wallet's address and file (no passphrase needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := walletPath(w.name)
			if err != nil {
				return err
			}
			addr, err := identity.ReadAddress(path)
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%w %q (%s): create one with 'opensky wallet new' or 'opensky wallet import'", errNoWallet, w.name, path)
			}
			if err != nil {
				return fmt.Errorf("wallet %q: %w", w.name, err)
			}
			if output != "" {
				return printData(cmd.OutOrStdout(), output, walletInfo{Name: w.name, Address: addr, File: path})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wallet    %s\naddress   %s\nfile      %s\n", w.name, addr, path)
			return nil
		},
	}
	addFormatFlag(cmd, &output, "", formatJSON, formatYAML)
	return cmd
}
