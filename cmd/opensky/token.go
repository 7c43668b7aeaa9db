package main

import "github.com/spf13/cobra"

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens: credentials for scripts and the web interface",
		Long: `A gateway that requires authentication takes either a request signed with
your account's key (what the CLI does with your wallet) or an API token bound
to your account. A token suits scripts, CI and the web interface's sign-in
page: send it as "Authorization: Bearer <token>", or set OPENSKY_TOKEN (or
--token) for the CLI.

A token is made with a signed request, shown once, and kept only as a hash by
the gateway; revoke it when it is no longer needed. See docs/api-auth.md.`,
	}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}
