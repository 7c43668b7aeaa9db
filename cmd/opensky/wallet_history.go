package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newWalletHistoryCmd(g *globals) *cobra.Command {
	var (
		wallet, output string
		page, perPage  int
	)
	cmd := &cobra.Command{
		Use:   "history [ADDRESS]",
		Short: "List the transactions that touched the wallet's account, newest first",
		Long: `List the transactions that touched the wallet's account (or ADDRESS): what it
sent, what it received, escrows it locked and their settlements, payouts to
it as a provider. Amounts are signed from the account's point of view.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if page < 1 {
				return fmt.Errorf("--page must be 1 or more, not %d", page)
			}
			if perPage < 1 || perPage > 100 {
				return fmt.Errorf("--per-page must be 1 to 100, not %d", perPage)
			}
			addr, err := addressArg(args, wallet)
			if err != nil {
				return err
			}
			p, err := g.client().AccountTxs(cmd.Context(), addr, page, perPage)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, p)
			}
			t := newTable(cmd.OutOrStdout(), "HEIGHT", "TX", "TYPE", "AMOUNT", "COUNTERPARTY")
			for _, r := range p.Txs {
				s := summarize(r, addr)
				t.row(fmt.Sprint(r.Height), hashPrefix(r.Hash), s.kind, orDash(strings.Join(s.amounts, ", ")), orDash(strings.Join(s.parties, ", ")))
			}
			if err := t.flush(); err != nil {
				return err
			}
			if shown := (page-1)*perPage + len(p.Txs); shown < p.Total {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d of %d transactions shown; next: --page %d\n", shown, p.Total, page+1)
			}
			return nil
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose history to list when no ADDRESS is given")
	cmd.Flags().IntVar(&page, "page", 1, "page to show, from 1")
	cmd.Flags().IntVar(&perPage, "per-page", 20, "transactions per page (at most 100)")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// txSummary is one transaction from an account's point of view.
type txSummary struct {
	kind    string   // the message type, "(failed)" when rejected in its block
	amounts []string // signed: + received, - paid or locked
	parties []string // the other side of each amount
}

// summarize reads what a transaction did to me from its events.
func summarize(r api.TxResult, me string) txSummary {
	s := txSummary{kind: eventAttr(r, "message", "type")}
	add := func(sign, amount, party string) {
		s.amounts = append(s.amounts, sign+attrUSD(amount))
		s.parties = append(s.parties, orDash(party))
	}
	for _, e := range r.Events {
		a := e.Attrs
		switch e.Type {
		case "transfer":
			if a["from"] == me {
				add("-", a["amount"], a["to"])
			} else if a["to"] == me {
				add("+", a["amount"], a["from"])
			}
		case "mint":
			if a["to"] == me {
				add("+", a["amount"], "deposit "+a["ref"])
			}
		case "burn":
			if a["from"] == me {
				add("-", a["amount"], "withdrawal to "+a["dest"])
			}
		case "escrow_lock":
			if a["owner"] == me {
				add("-", a["amount"], "escrow "+a["id"])
			}
		case "escrow_expire":
			if a["owner"] == me {
				add("+", a["refunded"], "escrow "+a["id"]+" expired")
			}
		case "settle":
			if a["owner"] == me && a["refunded"] != "0" {
				add("+", a["refunded"], "refund of escrow "+a["escrow"])
			}
		case "payout":
			if a["provider"] == me {
				add("+", a["amount"], "job "+a["job"])
			}
		case "slash":
			if a["provider"] == me {
				add("-", a["amount"], "slashed for job escrow "+a["escrow"])
			} else if a["to"] == me {
				add("+", a["amount"], "slash of "+a["provider"])
			}
		case "register":
			if a["provider"] == me {
				add("-", a["stake"], "stake for peer "+shortID(a["peer"]))
			}
		}
	}
	if s.kind == "" && len(r.Events) > 0 {
		s.kind = r.Events[0].Type
	}
	if r.Code != uint32(ledger.CodeOK) {
		s.kind = orDash(s.kind) + " (failed)"
	}
	return s
}

// hashPrefix shortens a transaction hash for tables.
func hashPrefix(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
