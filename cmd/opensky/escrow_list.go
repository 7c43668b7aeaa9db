package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Bounds of escrow list: how much of the account's history it reads.
const (
	escrowHistoryPerPage = 100
	escrowHistoryPages   = 50
)

// escrowRow is one escrow as escrow list shows it: the chain's record
// and whether a job may be paid from it on this gateway now.
type escrowRow struct {
	ledger.Escrow
	// BlocksLeft is how many blocks it has before it expires (negative
	// once it may be returned).
	BlocksLeft int64 `json:"blocksLeft"`
	// Usable: open, bound to no job, with the gateway's arbiter and more
	// than the gateway's margin of blocks left.
	Usable bool `json:"usable"`
}

func newEscrowListCmd(g *globals) *cobra.Command {
	var wallet, output string
	var all bool
	cmd := &cobra.Command{
		Use:   "list [ADDRESS]",
		Short: "List the escrows the wallet's account locked, newest first (no passphrase needed)",
		Long: `List the escrows the wallet's account (or ADDRESS) locked, as the chain has
them now: ID, amount, state (open, assigned to a job, settled or expired), the
job it pays for, and its expiry. USABLE marks those a job submitted to this
gateway can be paid from. Settled and expired escrows are listed with --all.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := addressArg(args, wallet)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := g.client()
			info, err := chainInfo(ctx, c)
			if err != nil {
				return err
			}
			rows, err := listEscrows(ctx, c, addr, info)
			if err != nil {
				return err
			}
			if !all {
				kept := rows[:0]
				for _, r := range rows {
					if r.Holds() {
						kept = append(kept, r)
					}
				}
				rows = kept
			}
			if output != formatTable {
				if rows == nil {
					rows = []escrowRow{}
				}
				return printData(cmd.OutOrStdout(), output, rows)
			}
			t := newTable(cmd.OutOrStdout(), "ID", "AMOUNT", "STATE", "JOB", "EXPIRES", "USABLE")
			for _, r := range rows {
				t.row(r.ID, ledger.FormatUSD(r.Amount), r.State, orDash(r.Job), expiry(r), yesNo(r.Usable))
			}
			if err := t.flush(); err != nil {
				return err
			}
			if len(rows) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no escrow holds money; lock one with: opensky escrow lock 2.00")
			}
			return nil
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose escrows to list when no ADDRESS is given")
	cmd.Flags().BoolVar(&all, "all", false, "also list settled and expired escrows")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// expiry describes when an escrow expires, or that it no longer holds
// anything.
func expiry(r escrowRow) string {
	switch {
	case !r.Holds():
		return "-"
	case r.BlocksLeft <= 0:
		return fmt.Sprintf("block %d (expired)", r.ExpiresAt)
	}
	return fmt.Sprintf("block %d (in %d)", r.ExpiresAt, r.BlocksLeft)
}

// listEscrows finds the escrows addr locked in its transactions, newest
// first, and reads each from the chain.
func listEscrows(ctx context.Context, c *api.Client, addr string, info api.ChainInfo) ([]escrowRow, error) {
	var ids []string
	seen := map[string]bool{}
	for page := 1; page <= escrowHistoryPages; page++ {
		p, err := c.AccountTxs(ctx, addr, page, escrowHistoryPerPage)
		if err != nil {
			return nil, fmt.Errorf("transactions of %s: %w", addr, err)
		}
		for _, r := range p.Txs {
			if r.Code != uint32(ledger.CodeOK) {
				continue
			}
			for _, e := range r.Events {
				if id := e.Attrs["id"]; e.Type == "escrow_lock" && e.Attrs["owner"] == addr && id != "" && !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		if len(p.Txs) < escrowHistoryPerPage || page*escrowHistoryPerPage >= p.Total {
			break
		}
	}
	rows := make([]escrowRow, 0, len(ids))
	for _, id := range ids {
		e, err := c.Escrow(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("escrow %s: %w", id, err)
		}
		r := escrowRow{Escrow: e, BlocksLeft: e.ExpiresAt - info.Height}
		r.Usable = e.State == ledger.EscrowOpen && e.Job == "" && e.Arbiter == info.Arbiter && info.Arbiter != "" && r.BlocksLeft > escrowMargin
		rows = append(rows, r)
	}
	return rows, nil
}
