package main

import "github.com/spf13/cobra"

func newJobCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit and inspect jobs",
	}
	cmd.AddCommand(
		newJobRunCmd(g),
		newJobListCmd(g),
		newJobDescribeCmd(g),
		newJobLogsCmd(g),
		newJobGetCmd(g),
		newJobPublishCmd(g),
		newJobCancelCmd(g),
	)
	return cmd
}
