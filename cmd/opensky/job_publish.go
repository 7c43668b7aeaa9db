package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newJobPublishCmd(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "publish ID",
		Short: "Store a completed job's outputs on the storage network; prints the CID",
		Long: `publish stores the job's output files as one object (a tar archive laid out
the way 'opensky job get' writes them), encrypted under a fresh key wrapped to
your account (or --to another one), erasure-coded over providers like any
stored object. 'opensky job get ID' then downloads from there; so does
'opensky storage get CID'. Published outputs are kept 7 days; store them
with 'opensky storage put' to keep them longer.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := g.client().PublishJob(cmd.Context(), args[0], to)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "published the outputs of %s (%s) as %s, %d/%d shards live\n",
				args[0], bytesize(o.Size), o.Redundancy, o.Health.Live, o.Health.Total)
			fmt.Fprintln(cmd.OutOrStdout(), o.CID)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "account whose key seals the outputs (default: yours)")
	return cmd
}
