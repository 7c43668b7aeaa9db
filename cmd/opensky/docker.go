package main

import "github.com/spf13/cobra"

func newDockerCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "docker",
		Short: "Run container jobs on the network",
	}
	cmd.AddCommand(newDockerRunCmd(g))
	return cmd
}
