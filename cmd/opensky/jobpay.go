package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// Payment flags of the commands that submit jobs.
const (
	flagMaxPrice = "max-price"
	flagWallet   = "wallet"
	// defaultMaxPrice is --max-price when the spec sets no maxPrice.
	defaultMaxPrice = "1.00"
	// escrowBlocks is how long a job's escrow stays locked before its
	// owner may take it back if the job was never settled.
	escrowBlocks = 1_000_000
)

// addPaymentFlags adds the flags that pay for a job on a network that
// charges for them: --max-price and --wallet.
func addPaymentFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.String(flagMaxPrice, defaultMaxPrice, "most the job may cost in US dollars, when the spec sets no maxPrice; on a network that charges for jobs it is locked in escrow with the protocol fee, and what the job does not use is refunded")
	fl.String(flagWallet, walletNameFlag(), "wallet that pays for the job on a network that charges for jobs (env "+envWallet+")")
}

// payForJob locks the job's price in escrow when the gateway's network
// charges for jobs and the spec names no escrow yet: maxPrice (the spec's,
// else --max-price) plus the protocol fee, from the wallet's account, with
// the gateway's arbiter. The spec then names the escrow. On a network
// without a chain the spec is left as it is.
func payForJob(cmd *cobra.Command, g *globals, c *api.Client, j *spec.Job) error {
	if j.Escrow != "" {
		return nil
	}
	ctx := cmd.Context()
	info, err := c.ChainInfo(ctx)
	if api.IsNoChain(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.Arbiter == "" {
		return nil
	}
	maxPrice := int64(j.MaxPrice)
	if maxPrice == 0 {
		s := defaultMaxPrice
		if f := cmd.Flags().Lookup(flagMaxPrice); f != nil {
			s = f.Value.String()
		}
		if maxPrice, err = parseUSD("--"+flagMaxPrice, s, false); err != nil {
			return err
		}
		j.MaxPrice = spec.MicroUSD(maxPrice)
	}
	amount := maxPrice + ledger.Fee(maxPrice, info.FeeBps)
	wallet := walletNameFlag()
	if f := cmd.Flags().Lookup(flagWallet); f != nil {
		wallet = f.Value.String()
	}
	acct, err := loadWallet(g, wallet)
	if err != nil {
		return fmt.Errorf("this network charges for jobs: %w", err)
	}
	msg := &ledger.MsgLock{Arbiter: info.Arbiter, Amount: amount, ExpiresIn: escrowBlocks}
	res, nonce, err := sendTx(ctx, c, info.ChainID, acct, msg)
	if err != nil {
		return fmt.Errorf("lock %s in escrow for the job: %w", ledger.FormatUSD(amount), err)
	}
	id := ledger.EscrowID(acct.PublicKey(), nonce)
	if res.Data != "" && res.Data != id {
		return fmt.Errorf("the chain locked escrow %s, not %s as expected from nonce %d: name %s in the spec's escrow field to use it", res.Data, id, nonce, res.Data)
	}
	j.Escrow = id
	fmt.Fprintf(cmd.ErrOrStderr(), "locked %s in escrow %s for this job\n", ledger.FormatUSD(amount), id)
	return nil
}
