package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newChainCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "chain",
		Short: "Inspect the OpenSky chain the gateway uses; set up a network of validators",
	}
	cmd.AddCommand(newChainStatusCmd(g), newChainCheckCmd(g), newChainInitCmd(), newChainGenesisCmd(), newChainVerifyAnchorCmd(g))
	return cmd
}

// chainStatus is what `chain status -o json` prints.
type chainStatus struct {
	api.ChainInfo
	Params ledger.Params `json:"params"`
}

func newChainStatusCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the chain's ID, height, latest block, validators, arbiter and rules",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c := g.client()
			info, err := chainInfo(ctx, c)
			if err != nil {
				return err
			}
			params, err := c.Params(ctx)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, chainStatus{ChainInfo: info, Params: params})
			}
			t := newTable(cmd.OutOrStdout())
			t.row("chain", info.ChainID)
			height := fmt.Sprint(info.Height)
			if info.CatchingUp {
				height += " (catching up)"
			}
			t.row("height", height)
			bt := "-"
			if !info.BlockTime.IsZero() {
				bt = info.BlockTime.UTC().Format(time.RFC3339) + " (" + ago(info.BlockTime, time.Now()) + ")"
			}
			t.row("block time", bt)
			t.row("block hash", orDash(info.BlockHash))
			t.row("app hash", orDash(info.AppHash))
			t.row("validators", fmt.Sprint(info.Validators))
			t.row("arbiter", orDash(info.Arbiter))
			t.row("fee", fmt.Sprintf("%s of what providers are paid", bps(info.FeeBps)))
			t.row("min stake", ledger.FormatUSD(params.MinStake))
			t.row("slashing", fmt.Sprintf("%s of the stake per wrong result", bps(params.SlashBps)))
			t.row("unbonding", fmt.Sprintf("%d blocks", params.UnbondingBlocks))
			t.row("faucet", yesNo(info.Faucet))
			return t.flush()
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// bps formats basis points as a percentage.
func bps(v int64) string {
	return fmt.Sprintf("%d.%02d%%", v/100, v%100)
}

// invariantChecks name the checks the ledger runs and how their problems
// read, so that each check is shown with its own verdict.
var invariantChecks = []struct {
	name  string
	match func(problem string) bool
}{
	{"supply conserved", func(p string) bool { return strings.HasPrefix(p, "supply not conserved") }},
	{"no negative amount", func(p string) bool { return strings.Contains(p, "is negative") }},
	{"escrows add up", func(p string) bool { return strings.HasPrefix(p, "escrow ") && !strings.Contains(p, "pays for job") }},
	{"indexes agree", func(p string) bool {
		return strings.Contains(p, "does not point back") || strings.Contains(p, "pays for job") || strings.HasPrefix(p, "job ")
	}},
}

func newChainCheckCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the chain's invariants; exit 1 when any fails",
		Long: `Run the chain's invariant checks on its latest state and print each: supply is
conserved (balances, escrows, stakes and the treasury add up to what genesis,
deposits and withdrawals made), no amount is negative, every closed escrow
paid out exactly what it held, and the job and peer indexes agree with their
records. Exits 1, listing the problems, when any check fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c := g.client()
			if _, err := chainInfo(ctx, c); err != nil {
				return err
			}
			r, err := c.Invariants(ctx)
			if err != nil {
				return err
			}
			if output != formatTable {
				if err := printData(cmd.OutOrStdout(), output, r); err != nil {
					return err
				}
			} else if err := printReport(cmd, r); err != nil {
				return err
			}
			if !r.OK() {
				return &exitError{code: 1, err: fmt.Errorf("the chain's invariants do not hold at height %d:\n  %s", r.Height, strings.Join(r.Problems, "\n  "))}
			}
			return nil
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

func printReport(cmd *cobra.Command, r ledger.Report) error {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "height %d: %d accounts, %d escrows (%d settled), held %s, supply %s\n",
		r.Height, r.Accounts, r.Escrows, r.Settled, ledger.FormatUSD(r.Held), ledger.FormatUSD(r.Supply))
	t := newTable(w)
	matched := make([]bool, len(r.Problems))
	for _, ch := range invariantChecks {
		n := 0
		for i, p := range r.Problems {
			if ch.match(p) {
				n++
				matched[i] = true
			}
		}
		verdict := "ok"
		if n > 0 {
			verdict = fmt.Sprintf("FAIL (%d)", n)
		}
		t.row(ch.name, verdict)
	}
	other := 0
	for _, m := range matched {
		if !m {
			other++
		}
	}
	if other > 0 {
		t.row("other", fmt.Sprintf("FAIL (%d)", other))
	}
	return t.flush()
}
