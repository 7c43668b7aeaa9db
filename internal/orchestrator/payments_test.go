package orchestrator

import (
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

func TestSpendableLeavesRoomForTheFee(t *testing.T) {
	for _, amount := range []int64{0, 1, 2, 99, 100, 101, 10_000, 1_000_000, 123_456_789, ledger.MaxAmount} {
		for _, fee := range []int64{0, 1, 100, 250, 5000} {
			paid := spendable(amount, fee)
			if paid < 0 || paid+ledger.Fee(paid, fee) > amount {
				t.Fatalf("amount %d fee %d bps: spendable %d + fee %d exceeds it", amount, fee, paid, ledger.Fee(paid, fee))
			}
			if next := paid + 1; next+ledger.Fee(next, fee) <= amount {
				t.Fatalf("amount %d fee %d bps: spendable %d, but %d also fits", amount, fee, paid, next)
			}
		}
	}
}

func task(id string, shard int, provider string, phase api.Phase, root string, price int64) api.Task {
	return api.Task{ID: id, Shard: shard, Provider: provider, Phase: phase, OutputRoot: root, Price: price, BidPrice: 7}
}

func TestSettlementPaysTheMajorityAndReportsTheRest(t *testing.T) {
	j := &api.Job{ID: "j-1", Phase: api.PhaseFailed, Spec: spec.Job{Replicas: 3},
		Payment: &api.Payment{Escrow: "e-1", Budget: 1_000_000}}
	j.Tasks = []api.Task{
		task("t0", 0, "A", api.PhaseCompleted, "good", 10),
		task("t1", 0, "B", api.PhaseCompleted, "good", 20),
		task("t2", 0, "C", api.PhaseCompleted, "bad", 30), // outvoted: a wrong result
		task("t3", 1, "A", api.PhaseCompleted, "x", 40),   // no majority in shard 1: nobody paid
		task("t4", 1, "B", api.PhaseCompleted, "y", 50),
		{ID: "t5", Shard: 1, Provider: "C", Phase: api.PhaseFailed, ErrorCode: "provider_lost"},
	}
	m := settlementFor(j, 100)
	if m.Outcome != ledger.OutcomeFailed || m.Job != "j-1" || m.Escrow != "e-1" {
		t.Fatalf("settlement header %+v", m)
	}
	paid := map[string]int64{}
	for _, p := range m.Payouts {
		paid[p.Task] = p.Amount
	}
	if len(paid) != 2 || paid["t0"] != 10 || paid["t1"] != 20 {
		t.Fatalf("payouts %+v, want t0=10 and t1=20 only", m.Payouts)
	}
	faults := map[string]string{}
	for _, f := range m.Faults {
		faults[f.Task] = f.Kind
	}
	if len(faults) != 2 || faults["t2"] != ledger.FaultWrongResult || faults["t5"] != ledger.FaultLost {
		t.Fatalf("faults %+v, want t2 wrong and t5 lost", m.Faults)
	}
}

func TestSettlementNeverExceedsTheEscrow(t *testing.T) {
	j := &api.Job{ID: "j-2", Phase: api.PhaseCompleted, Spec: spec.Job{Replicas: 1},
		Payment: &api.Payment{Escrow: "e-2", Budget: 1000}}
	j.Tasks = []api.Task{task("t0", 0, "A", api.PhaseCompleted, "r", 900), task("t1", 1, "B", api.PhaseCompleted, "s", 900)}
	m := settlementFor(j, 100)
	var total int64
	for _, p := range m.Payouts {
		total += p.Amount
	}
	if total == 0 || total+ledger.Fee(total, 100) > 1000 {
		t.Fatalf("paid %d + fee %d from an escrow of 1000", total, ledger.Fee(total, 100))
	}
}
