package main

import (
	"cmp"
	"time"

	"github.com/spf13/cobra"
)

func newTokenListCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the API tokens of your account (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ts, err := g.client().ListTokens(cmd.Context())
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, ts)
			}
			now := time.Now()
			t := newTable(cmd.OutOrStdout(), "ID", "NAME", "CREATED", "EXPIRES")
			for _, tk := range ts {
				exp := "never"
				switch {
				case !tk.ExpiresAt.IsZero() && !now.Before(tk.ExpiresAt):
					exp = "expired " + ago(tk.ExpiresAt, now)
				case !tk.ExpiresAt.IsZero():
					exp = tk.ExpiresAt.Local().Format(time.DateTime)
				}
				t.row(tk.ID, cmp.Or(tk.Name, "-"), ago(tk.CreatedAt, now), exp)
			}
			return t.flush()
		},
	}
	addWalletFlag(cmd, new(string), "wallet whose account's tokens to list, when no API token is set")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
