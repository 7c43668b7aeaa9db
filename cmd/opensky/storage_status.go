package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/storage"
)

func newStorageStatusCmd(g *globals) *cobra.Command {
	var output string
	var audit, repair bool
	cmd := &cobra.Command{
		Use:   "status CID",
		Short: "Show where every shard of an object lives, its audits and its health",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c := g.client()
			cid := args[0]
			if audit {
				res, err := c.AuditObject(ctx, cid)
				if err != nil {
					return err
				}
				passed := 0
				for _, r := range res {
					if r.Passed {
						passed++
					}
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "audit: %d of %d shards proved they are stored\n", passed, len(res))
			}
			if repair {
				rep, err := c.RepairObject(ctx, cid)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "repair: %d live before, %d rebuilt, %d failed\n", rep.Live, len(rep.Rebuilt), len(rep.Failed))
			}
			o, err := c.Object(ctx, cid)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, o)
			}
			w := cmd.OutOrStdout()
			now := time.Now()
			fmt.Fprintf(w, "CID:        %s\nName:       %s\nSize:       %s (%s stored per shard)\nRedundancy: %s\nHealth:     %s\nStored:     %s\n",
				o.CID, orDash(o.Name), bytesize(o.Size), shardText(o.Redundancy, o.CipherLen),
				o.Redundancy, healthText(o.Health), o.CreatedAt.Local().Format(time.DateTime))
			if o.ExpiresAt != nil {
				fmt.Fprintf(w, "Expires:    %s\n", o.ExpiresAt.Local().Format(time.DateTime))
			}
			if o.Deal != "" {
				fmt.Fprintf(w, "Deal:       %s\n", o.Deal)
			}
			last := "never"
			if o.LastAudit != nil {
				last = ago(*o.LastAudit, now)
			}
			fmt.Fprintf(w, "Audited:    %s; repairs: %d\n\n", last, o.Repairs)
			t := newTable(w, "SHARD", "PROVIDER", "STATE", "ONLINE", "AUDITS PASSED", "FAILED IN A ROW", "LAST AUDIT", "PRICE/GB-MONTH", "ERROR")
			for _, s := range o.Shards {
				la := "-"
				if s.LastAudit != nil {
					la = ago(*s.LastAudit, now)
				}
				t.row(strconv.Itoa(s.Index), shortID(s.Peer), s.State, yesNo(s.Online), strconv.Itoa(s.Audits),
					strconv.Itoa(s.Failures), la, money(s.PricePerGBMonth), orDash(s.LastError))
			}
			return t.flush()
		},
	}
	cmd.Flags().BoolVar(&audit, "audit", false, "challenge every shard now, before showing the status")
	cmd.Flags().BoolVar(&repair, "repair", false, "rebuild missing shards now if the object needs it")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// shardText is what each shard of o holds, or "?" for a layout this
// version does not read.
func shardText(redundancy string, cipherLen int64) string {
	l, err := storage.ParseLayout(redundancy)
	if err != nil {
		return "?"
	}
	return bytesize(l.ShardSize(cipherLen))
}
