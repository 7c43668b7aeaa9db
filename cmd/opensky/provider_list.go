package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
)

func newProviderListCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List providers with their capacity and prices",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ps, err := g.client().Providers(cmd.Context())
			if err != nil {
				return err
			}
			if output != formatTable {
				if ps == nil {
					ps = []api.Provider{}
				}
				return printData(cmd.OutOrStdout(), output, ps)
			}
			now := time.Now()
			t := newTable(cmd.OutOrStdout(), "PEER", "ENGINES", "CPU FREE/TOTAL", "MEMORY FREE/TOTAL", "RUNNING", "PRICE/CPU-S", "MIN PRICE", "LAST SEEN")
			for _, p := range ps {
				t.row(shortID(p.Peer), strings.Join(p.Engines, ","),
					cores(p.Free.MilliCPU)+"/"+cores(p.Total.MilliCPU),
					bytesize(p.Free.MemoryBytes)+"/"+bytesize(p.Total.MemoryBytes),
					fmt.Sprint(p.Running), money(p.PricePerCPUSecond), money(p.MinPrice), ago(p.LastSeen, now))
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
