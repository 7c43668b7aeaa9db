package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newProviderStatusCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "status [ADDRESS|PEER]",
		Short: "Show a provider's stake, reputation, earnings and prices on the chain",
		Long: `Show the provider registered by the wallet's account, or by ADDRESS, or
running the libp2p peer PEER: whether it is active, its stake and unbonding
stake, its reputation (the expected share of good results), what it earned
and what was slashed, and its prices and capacity.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := ""
			if len(args) == 1 {
				id = args[0]
			} else {
				addr, err := walletAddress(wallet)
				if err != nil {
					return err
				}
				id = addr
			}
			p, err := chainProvider(cmd.Context(), g.client(), id)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, p)
			}
			return printProvider(cmd.OutOrStdout(), p)
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose provider to show when no ADDRESS or PEER is given")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// chainProvider reads a provider, explaining an unknown one.
func chainProvider(ctx context.Context, c *api.Client, id string) (ledger.ProviderView, error) {
	if _, err := chainInfo(ctx, c); err != nil {
		return ledger.ProviderView{}, err
	}
	p, err := c.ChainProvider(ctx, id)
	if api.IsNoChain(err) {
		return p, fmt.Errorf("%s is not a registered provider: register a node with 'opensky provider register'", id)
	}
	return p, err
}

func printProvider(w io.Writer, p ledger.ProviderView) error {
	t := newTable(w)
	t.row("provider", p.Address)
	t.row("peer", p.PeerID)
	t.row("active", yesNo(p.Active))
	t.row("stake", ledger.FormatUSD(p.Stake))
	if p.Unbonding > 0 {
		t.row("unbonding", fmt.Sprintf("%s, back to the balance at block %d", ledger.FormatUSD(p.Unbonding), p.UnbondAt))
	}
	r := p.Reputation
	t.row("reputation", fmt.Sprintf("%s (%d successes, %d failures, %d lost)", percent(p.Score), r.Successes, r.Failures, r.Lost))
	t.row("earned", ledger.FormatUSD(p.Earned))
	t.row("slashed", ledger.FormatUSD(p.Slashed))
	t.row("prices", fmt.Sprintf("%s per CPU-second, at least %s a task", ledger.FormatUSD(p.PricePerCPUSecond), ledger.FormatUSD(p.MinPrice)))
	t.row("capacity", capacity(p.Capacity))
	t.row("registered", fmt.Sprintf("block %d", p.RegisteredAt))
	return t.flush()
}

// percent formats parts per million as a percentage.
func percent(ppm int64) string {
	return fmt.Sprintf("%.1f%%", float64(ppm)/10_000)
}

// capacity formats what a provider offers.
func capacity(c ledger.Capacity) string {
	var parts []string
	if c.MilliCPU > 0 {
		parts = append(parts, cores(c.MilliCPU)+" CPU")
	}
	if c.MemoryBytes > 0 {
		parts = append(parts, bytesize(c.MemoryBytes)+" memory")
	}
	if c.DiskBytes > 0 {
		parts = append(parts, bytesize(c.DiskBytes)+" disk")
	}
	if c.GPUs > 0 {
		parts = append(parts, fmt.Sprintf("%d GPU", c.GPUs))
	}
	if len(parts) == 0 {
		return "not declared"
	}
	return strings.Join(parts, ", ")
}
