package main

import (
	"github.com/spf13/cobra"
)

// escrowMargin is how many blocks an escrow must have left for a gateway
// to take a job paid from it: the orchestrator's default margin, which
// leaves time to run and settle the job before anyone may return the
// escrow to its owner.
const escrowMargin = 20_000

func newEscrowCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "escrow",
		Short: "Lock money in escrow for jobs, and list the wallet's escrows",
		Long: `On a network that charges for jobs, each job is paid from an escrow: money
its owner locked on the chain with the gateway's arbiter. The job commands
(opensky wasm run, docker run, job run) lock one for each job they submit.

Lock one yourself to pay for a job submitted from the web interface, which
holds no wallet: the submit form offers your open escrows that are bound to no
job and have more than 20,000 blocks left. A job takes a whole escrow and
refunds what it did not spend when it settles; an escrow that was never used
returns to its owner once it expires.`,
	}
	cmd.AddCommand(newEscrowLockCmd(g), newEscrowListCmd(g))
	return cmd
}
