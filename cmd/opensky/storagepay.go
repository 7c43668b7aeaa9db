package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// payForStorage opens the storage deal that pays for an upload on a
// network that charges for storage, and returns its ID ("" on a network
// without a chain). The deal holds the gateway's quote for the duration
// plus a tenth, in case the providers chosen at upload ask a little more
// than those quoted; what is not earned returns when the deal closes.
func payForStorage(cmd *cobra.Command, g *globals, c *api.Client, wallet string, p api.StoragePut) (string, error) {
	ctx := cmd.Context()
	info, err := c.ChainInfo(ctx)
	if api.IsNoChain(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if info.Arbiter == "" {
		return "", nil
	}
	d := ""
	if p.Duration > 0 {
		d = p.Duration.String()
	}
	q, err := c.StorageQuote(ctx, p.Size, p.Redundancy, d)
	if err != nil {
		return "", fmt.Errorf("price the storage: %w", err)
	}
	if q.Amount == 0 || q.Periods == 0 {
		return "", nil
	}
	amount := q.Amount + q.Amount/10
	acct, err := loadWallet(g, wallet)
	if err != nil {
		return "", fmt.Errorf("this network charges for storage: %w", err)
	}
	msg := &ledger.MsgOpenDeal{Arbiter: info.Arbiter, Amount: amount, Periods: q.Periods, PeriodBlocks: q.PeriodBlocks}
	res, nonce, err := sendTx(ctx, c, info.ChainID, acct, msg)
	if err != nil {
		return "", fmt.Errorf("lock %s in a storage deal: %w", ledger.FormatUSD(amount), err)
	}
	id := ledger.DealID(acct.PublicKey(), nonce)
	if res.Data != "" && res.Data != id {
		id = res.Data
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "locked %s in storage deal %s: %d periods of %d blocks, providers paid for each audit they pass\n",
		ledger.FormatUSD(amount), id, q.Periods, q.PeriodBlocks)
	return id, nil
}
