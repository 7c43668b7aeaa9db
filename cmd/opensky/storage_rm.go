package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newStorageRmCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "rm CID...",
		Aliases: []string{"remove", "delete"},
		Short:   "Remove stored objects: their shards are deleted and their deals end",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := g.client()
			for _, cid := range args {
				if err := c.DeleteObject(cmd.Context(), cid); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", cid)
			}
			return nil
		},
	}
}
