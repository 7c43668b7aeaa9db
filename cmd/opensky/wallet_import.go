package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
)

// walletInfo is what the wallet commands print about one wallet with
// -o json or yaml.
type walletInfo struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	File    string `json:"file"`
	Error   string `json:"error,omitempty"`
}

func newWalletImportCmd(_ *globals, w *walletFlags) *cobra.Command {
	var (
		output   string
		uriStdin bool
	)
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Store an existing account, from its secret phrase or secret URI, as a wallet",
		Long: `Store an existing account as the wallet --wallet, encrypted. The secret is a
mnemonic or a secret URI as subkey and polkadot.js read it: "PHRASE",
"PHRASE//hard/soft", "PHRASE///password", a 0x-hex seed, or "//Alice" for a
development account of a local network.

The secret is asked on the terminal without echo; with --uri-stdin it is read
from the first line of stdin instead, and the passphrase then comes from
OPENSKY_PASSPHRASE unless stdin is still the terminal. Spaces around the
secret are dropped.`,
		Example: `  opensky wallet import --wallet alice     # then type //Alice
  printf '//Alice\n' | OPENSKY_PASSPHRASE=dev opensky wallet import --wallet alice --uri-stdin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := newWalletPath(w.name); err != nil {
				return err
			}
			var (
				uri string
				err error
			)
			switch {
			case uriStdin:
				uri, err = readSecretLine(cmd.InOrStdin())
			case stdinIsTerminal():
				uri, err = readHidden("Secret phrase or URI: ")
			default:
				err = fmt.Errorf("%w: pass the secret on stdin with --uri-stdin", errNoTerminal)
			}
			if err != nil {
				return err
			}
			// A stray space would silently name another junction or password.
			uri = strings.TrimSpace(uri)
			if uri == "" {
				return fmt.Errorf("no secret given: %w", identity.ErrInvalidURI)
			}
			a, err := identity.AccountFromURI(uri)
			if err != nil {
				return err
			}
			path, err := saveWallet(w.name, a)
			if err != nil {
				return err
			}
			if output != "" {
				return printData(cmd.OutOrStdout(), output, walletInfo{Name: w.name, Address: a.Address(), File: path})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported wallet %q\n\naddress   %s\nfile      %s\n", w.name, a.Address(), path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&uriStdin, "uri-stdin", false, "read the secret phrase or URI from the first line of stdin")
	addFormatFlag(cmd, &output, "", formatJSON, formatYAML)
	return cmd
}
