package orchestrator

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// TestEscrowPaysOnlyForItsOwnersJobs: escrow IDs and owners are public,
// so the orchestrator, whatever its caller checked, refuses a paid job
// submitted as another account or as nobody, and leaves the escrow open.
func TestEscrowPaysOnlyForItsOwnersJobs(t *testing.T) {
	chain := newFakeChain()
	o, _ := startOrchestratorWith(t, Config{Payments: chain})
	ctx := context.Background()
	ref, _, err := o.blobs.Put(ctx, strings.NewReader("\x00asm\x01\x00\x00\x00"), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	const alice, mallory = "5Alice", "5Mallory"
	escrow := chain.escrowOf(alice)
	s := spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref, Escrow: escrow}

	for _, tc := range []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"another account", auth.WithAccount(ctx, mallory), "was locked by account " + alice},
		{"no account", ctx, "submit it as the account that locked the escrow"},
	} {
		j, err := o.SubmitJob(tc.ctx, s)
		if !errors.Is(err, gateway.ErrPaymentRequired) || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: job %v, err %v; want payment required: %q", tc.name, j, err, tc.want)
		}
		if e, _ := chain.Escrow(ctx, escrow); e.State != ledger.EscrowOpen || e.Job != "" {
			t.Fatalf("%s: a refused job bound the escrow: %+v", tc.name, e)
		}
	}
	if js, err := o.ListJobs(ctx, api.ListOptions{}); err != nil || len(js) != 0 {
		t.Fatalf("after refusals: %d jobs stored (%v)", len(js), err)
	}

	j, err := o.SubmitJob(auth.WithAccount(ctx, alice), s)
	if err != nil {
		t.Fatalf("the escrow's owner: %v", err)
	}
	if j.Owner != alice || j.Payment == nil || j.Payment.Escrow != escrow {
		t.Fatalf("accepted job: owner %q payment %+v", j.Owner, j.Payment)
	}
	if e, _ := chain.Escrow(ctx, escrow); e.State != ledger.EscrowAssigned || e.Job != j.ID {
		t.Fatalf("escrow after the owner's job: %+v", e)
	}
}
