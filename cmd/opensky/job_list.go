package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
)

func newJobListCmd(g *globals) *cobra.Command {
	var (
		phase  string
		limit  int
		output string
	)
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List jobs, newest first",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			jobs, err := g.client().ListJobs(cmd.Context(), api.ListOptions{Phase: api.Phase(phase), Limit: limit})
			if err != nil {
				return err
			}
			if output != formatTable {
				if jobs == nil {
					jobs = []api.Job{}
				}
				return printData(cmd.OutOrStdout(), output, jobs)
			}
			now := time.Now()
			t := newTable(cmd.OutOrStdout(), "ID", "NAME", "ENGINE", "PHASE", "TASKS", "EXIT", "COST", "CREATED")
			for _, j := range jobs {
				t.row(j.ID, orDash(j.Spec.Name), string(j.Spec.Engine), string(j.Phase),
					fmt.Sprintf("%d/%d", tasksDone(&j), len(j.Tasks)), fmt.Sprint(j.ExitCode), money(j.Cost), ago(j.CreatedAt, now))
			}
			return t.flush()
		},
	}
	cmd.Flags().StringVar(&phase, "phase", "", "only jobs in this phase (queued, running, completed, failed, cancelled, ...)")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many jobs (default: the gateway's)")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
