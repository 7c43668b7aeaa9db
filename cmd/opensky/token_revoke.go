package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newTokenRevokeCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke one of your API tokens: it stops working at once",
		Long: `Revoke one of your account's API tokens by its ID ('opensky token list' shows
them). Scripts and web sessions that use it are refused from then on.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.client().RevokeToken(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked token %s\n", args[0])
			return nil
		},
	}
	addWalletFlag(cmd, new(string), "wallet whose account's token to revoke, when no API token is set")
	return cmd
}
