package main

import "github.com/spf13/cobra"

func newProviderCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "provider",
		Short: "See the network's providers; register, inspect and retire your own",
	}
	cmd.AddCommand(
		newProviderListCmd(g),
		newProviderRegisterCmd(g),
		newProviderStatusCmd(g),
		newProviderEarningsCmd(g),
		newProviderUnregisterCmd(g),
	)
	return cmd
}
