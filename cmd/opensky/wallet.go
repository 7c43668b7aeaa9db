package main

import "github.com/spf13/cobra"

// walletFlags are the flags every wallet command shares.
type walletFlags struct {
	// name is the wallet (--wallet, env OPENSKY_WALLET).
	name string
}

func newWalletCmd(g *globals) *cobra.Command {
	w := &walletFlags{}
	cmd := &cobra.Command{
		Use:   "wallet",
		Short: "Manage local wallets: Polkadot-compatible accounts, encrypted on disk",
		Long: `A wallet is an sr25519 account, the kind Polkadot and every Substrate chain
use, so the same secret phrase works in a Polkadot wallet. Wallets live in
$OPENSKY_HOME/wallets/NAME.json (OPENSKY_HOME defaults to ~/.opensky), the
secret encrypted with a passphrase (scrypt and XChaCha20-Poly1305).

The passphrase comes from OPENSKY_PASSPHRASE when it is set, else it is asked
on the terminal.`,
	}
	cmd.PersistentFlags().StringVar(&w.name, "wallet", walletNameFlag(), "wallet name (env "+envWallet+")")
	cmd.AddCommand(
		newWalletNewCmd(g, w),
		newWalletImportCmd(g, w),
		newWalletShowCmd(g, w),
		newWalletListCmd(g, w),
		newWalletBalanceCmd(g),
		newWalletTransferCmd(g),
		newWalletHistoryCmd(g),
		newWalletFaucetCmd(g),
		newWalletDepositCmd(g),
		newWalletWithdrawCmd(g),
	)
	return cmd
}
