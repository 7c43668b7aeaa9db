package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
)

func newStorageListCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List your stored objects with their health",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			objs, err := g.client().Objects(cmd.Context())
			if err != nil {
				return err
			}
			if output != formatTable {
				if objs == nil {
					objs = []api.StoredObject{}
				}
				return printData(cmd.OutOrStdout(), output, objs)
			}
			now := time.Now()
			t := newTable(cmd.OutOrStdout(), "CID", "NAME", "SIZE", "REDUNDANCY", "HEALTH", "STORED", "EXPIRES")
			for _, o := range objs {
				expires := "-"
				if o.ExpiresAt != nil {
					expires = o.ExpiresAt.Local().Format(time.DateTime)
				}
				t.row(o.CID, orDash(o.Name), bytesize(o.Size), o.Redundancy, healthText(o.Health), ago(o.CreatedAt, now), expires)
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// healthText is "14/14 live", with a warning when the object is no longer
// readable.
func healthText(h api.StorageHealth) string {
	s := fmt.Sprintf("%d/%d live", h.Live, h.Total)
	if !h.Readable {
		s += " (unreadable)"
	}
	return s
}
