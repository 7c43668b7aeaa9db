package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/ledger"
)

func newBridgeCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bridge",
		Short: "The gateway's Polkadot bridge: its status, and an account's deposits and withdrawals",
		Long: `The bridge moves the stablecoin between Polkadot and the OpenSky chain
('opensky wallet deposit', 'opensky wallet withdraw') and anchors the chain
on Polkadot ('opensky chain verify-anchor'). See docs/polkadot.md.`,
	}
	cmd.AddCommand(newBridgeStatusCmd(g))
	return cmd
}

// bridgeView is what 'bridge status' prints.
type bridgeView struct {
	Bridge      bridge.Status    `json:"bridge"`
	Account     string           `json:"account,omitempty"`
	Deposits    []bridge.Deposit `json:"deposits,omitempty"`
	Withdrawals []bridge.Payout  `json:"withdrawals,omitempty"`
}

func newBridgeStatusCmd(g *globals) *cobra.Command {
	var wallet, output string
	cmd := &cobra.Command{
		Use:   "status [ADDRESS]",
		Short: "Show the bridge, and the deposits and withdrawals of the wallet's account (or ADDRESS)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c := g.client()
			st, err := bridgeStatus(ctx, c)
			if err != nil {
				return err
			}
			v := bridgeView{Bridge: st}
			if addr, err := addressArg(args, wallet); err == nil {
				v.Account = addr
				if v.Deposits, err = c.BridgeDeposits(ctx, addr); err != nil {
					return fmt.Errorf("deposits of %s: %w", addr, err)
				}
				if v.Withdrawals, err = c.BridgeWithdrawals(ctx, addr); err != nil {
					return fmt.Errorf("withdrawals of %s: %w", addr, err)
				}
			} else if len(args) > 0 {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, v)
			}
			w := cmd.OutOrStdout()
			reach := "yes"
			if !st.Reachable {
				reach = fmt.Sprintf("no, since %s: %s", st.Since.Format("15:04:05"), st.LastError)
			}
			t := newTable(w, "", "")
			t.row("bridge account", st.Account)
			t.row("asset", st.Asset)
			t.row("polkadot", fmt.Sprintf("%s (genesis %.18s…)", st.PolkadotRPC, st.Genesis))
			t.row("reachable", reach)
			t.row("finalized / scanned", fmt.Sprintf("%d / %d", st.Finalized, st.Processed))
			t.row("opensky scanned", strconv.FormatInt(st.OpenSky, 10))
			t.row("pending", strconv.Itoa(st.Pending))
			t.row("last anchor", fmt.Sprintf("%d (every %d blocks)", st.LastAnchor, st.AnchorEvery))
			if err := t.flush(); err != nil {
				return err
			}
			if v.Account == "" {
				return nil
			}
			fmt.Fprintf(w, "\ndeposits of %s\n", v.Account)
			dt := newTable(w, "POLKADOT BLOCK", "AMOUNT", "STATE", "REF", "NOTE")
			for _, d := range v.Deposits {
				dt.row(strconv.FormatUint(d.Block, 10), ledger.FormatUSD(d.USD), string(d.State), d.Ref, d.Reason)
			}
			if err := dt.flush(); err != nil {
				return err
			}
			fmt.Fprintf(w, "\nwithdrawals of %s\n", v.Account)
			wt := newTable(w, "BURN", "AMOUNT", "TO", "STATE", "POLKADOT BLOCK", "NOTE")
			for _, p := range v.Withdrawals {
				wt.row(p.BurnTx, ledger.FormatUSD(p.USD), p.To, string(p.State), strconv.FormatUint(p.Block, 10), p.Reason)
			}
			return wt.flush()
		},
	}
	addWalletFlag(cmd, &wallet, "wallet whose deposits and withdrawals to show when no ADDRESS is given")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
