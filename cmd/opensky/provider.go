package main

import "github.com/spf13/cobra"

func newProviderCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "provider",
		Short: "Inspect the providers the gateway knows",
	}
	cmd.AddCommand(newProviderListCmd(g))
	return cmd
}
