package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/ledger"
)

// lockedEscrow is what escrow lock prints with -o json or yaml.
type lockedEscrow struct {
	ID        string `json:"id"`
	Owner     string `json:"owner"`
	Arbiter   string `json:"arbiter"`
	Amount    int64  `json:"amount"`
	ExpiresAt int64  `json:"expiresAt"`
	Tx        string `json:"tx"`
	Height    int64  `json:"height"`
}

func newEscrowLockCmd(g *globals) *cobra.Command {
	var (
		wallet, output string
		expiresIn      int64
	)
	cmd := &cobra.Command{
		Use:   "lock AMOUNT",
		Short: "Lock AMOUNT US dollars in escrow with the gateway's arbiter; prints the escrow's ID",
		Long: `Lock AMOUNT US dollars (a decimal such as 2 or 0.50, at most six places) from
the wallet's account in a new escrow with the gateway's arbiter, wait until it
is in a block, and print the escrow's ID. A job that names the escrow is paid
from it: AMOUNT covers the job's work and the protocol fee on it, and what the
job does not spend is refunded when it settles. An escrow no job used returns
to the wallet after --expires-in blocks.`,
		Example: `  opensky escrow lock 2.00
  opensky escrow lock 10 --expires-in 2000000 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			amount, err := parseUSD("amount", args[0], false)
			if err != nil {
				return err
			}
			if expiresIn <= escrowMargin || expiresIn > ledger.MaxEscrowBlocks {
				return fmt.Errorf("--expires-in must be more than %d blocks (a gateway takes jobs only from escrows with that many left) and at most %d, not %d",
					escrowMargin, int64(ledger.MaxEscrowBlocks), expiresIn)
			}
			ctx := cmd.Context()
			c := g.client()
			info, err := chainInfo(ctx, c)
			if err != nil {
				return err
			}
			if info.Arbiter == "" {
				return fmt.Errorf("the gateway at %s names no arbiter: its network does not charge for jobs, so there is nothing to lock", c.BaseURL())
			}
			acct, err := loadWallet(g, wallet)
			if err != nil {
				return err
			}
			msg := &ledger.MsgLock{Arbiter: info.Arbiter, Amount: amount, ExpiresIn: expiresIn}
			res, nonce, err := sendTx(ctx, c, info.ChainID, acct, msg)
			if err != nil {
				return fmt.Errorf("lock %s in escrow: %w", ledger.FormatUSD(amount), err)
			}
			id := ledger.EscrowID(acct.PublicKey(), nonce)
			if res.Data != "" && res.Data != id {
				id = res.Data // the chain's word is the escrow's name
			}
			out := lockedEscrow{ID: id, Owner: acct.Address(), Arbiter: info.Arbiter, Amount: amount,
				ExpiresAt: res.Height + expiresIn, Tx: res.Hash, Height: res.Height}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, out)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "locked %s in escrow %s with arbiter %s, until block %d (%s)\n",
				ledger.FormatUSD(amount), id, info.Arbiter, out.ExpiresAt, txLine(res))
			_, err = fmt.Fprintln(cmd.OutOrStdout(), id)
			return err
		},
	}
	addWalletFlag(cmd, &wallet, "wallet that locks the money")
	cmd.Flags().Int64Var(&expiresIn, "expires-in", escrowBlocks, "blocks until the escrow returns to the wallet if no job used it")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}
