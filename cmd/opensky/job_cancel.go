package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newJobCancelCmd(g *globals) *cobra.Command {
	var (
		reason string
		output string
	)
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a job that has not finished",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := g.client().CancelJob(cmd.Context(), args[0], reason)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, j)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "job %s: %s\n", j.ID, j.Phase)
			return err
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why, recorded on the job")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
