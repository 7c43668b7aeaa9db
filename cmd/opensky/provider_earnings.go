package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// maxEarningPages bounds how many pages of history earnings reads.
const maxEarningPages = 20

// payoutRecord is one payment to a provider for one task.
type payoutRecord struct {
	Height int64  `json:"height"`
	Tx     string `json:"tx"`
	Escrow string `json:"escrow"`
	Job    string `json:"job"`
	Task   string `json:"task"`
	Amount int64  `json:"amount"`
}

// earnings is what `provider earnings -o json` prints.
type earnings struct {
	Provider string         `json:"provider"`
	Earned   int64          `json:"earned"`
	Slashed  int64          `json:"slashed"`
	Payouts  []payoutRecord `json:"payouts"`
	// Complete is false when the history was longer than what was read.
	Complete bool `json:"complete"`
}

func newProviderEarningsCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "earnings [ADDRESS]",
		Short: "Show what the wallet's provider earned and was slashed, with its payouts",
		Long: `Show the totals the chain keeps for the provider registered by the wallet's
account (or ADDRESS), earned and slashed, and the payouts settlements made to
it, newest first: one per task, with its job.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := addressArg(args, wallet)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := g.client()
			p, err := chainProvider(ctx, c, addr)
			if err != nil {
				return err
			}
			e := earnings{Provider: addr, Earned: p.Earned, Slashed: p.Slashed, Payouts: []payoutRecord{}, Complete: true}
			for page := 1; ; page++ {
				txs, err := c.AccountTxs(ctx, addr, page, 100)
				if err != nil {
					return err
				}
				for _, r := range txs.Txs {
					e.Payouts = append(e.Payouts, payouts(r, addr)...)
				}
				if page*100 >= txs.Total || len(txs.Txs) == 0 {
					break
				}
				if page == maxEarningPages {
					e.Complete = false
					break
				}
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, e)
			}
			return printEarnings(cmd, e)
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose provider to show when no ADDRESS is given")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// payouts are the payout events of r that paid addr.
func payouts(r api.TxResult, addr string) []payoutRecord {
	var out []payoutRecord
	if r.Code != uint32(ledger.CodeOK) {
		return nil
	}
	for _, e := range r.Events {
		a := e.Attrs
		if e.Type != "payout" || a["provider"] != addr {
			continue
		}
		amount, _ := strconv.ParseInt(a["amount"], 10, 64)
		out = append(out, payoutRecord{Height: r.Height, Tx: r.Hash, Escrow: a["escrow"], Job: a["job"], Task: a["task"], Amount: amount})
	}
	return out
}

func printEarnings(cmd *cobra.Command, e earnings) error {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "provider  %s\nearned    %s\nslashed   %s\n\n", e.Provider, ledger.FormatUSD(e.Earned), ledger.FormatUSD(e.Slashed))
	if len(e.Payouts) == 0 {
		_, err := fmt.Fprintln(w, "no payouts yet")
		return err
	}
	t := newTable(w, "HEIGHT", "TX", "JOB", "TASK", "AMOUNT")
	var sum int64
	for _, p := range e.Payouts {
		sum += p.Amount
		t.row(fmt.Sprint(p.Height), hashPrefix(p.Tx), p.Job, p.Task, ledger.FormatUSD(p.Amount))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d payouts, %s\n", len(e.Payouts), ledger.FormatUSD(sum))
	if !e.Complete {
		fmt.Fprintf(cmd.ErrOrStderr(), "only the newest %d transactions were read; see 'opensky wallet history' for older ones\n", maxEarningPages*100)
	}
	return nil
}
