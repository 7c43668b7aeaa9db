package main

import "github.com/spf13/cobra"

func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Manage the container images of this provider",
	}
	cmd.AddCommand(newImageLoadCmd())
	return cmd
}
