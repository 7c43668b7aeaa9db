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
	j := &api.Job{ID: "j-1", Phase: api.PhaseFailed, Spec: spec.Job{Engine: spec.EngineWasm, Replicas: 3},
		Payment: &api.Payment{Escrow: "e-1", Budget: 1_000_000}}
	j.Tasks = []api.Task{
		task("t0", 0, "A", api.PhaseCompleted, "good", 10),
		task("t1", 0, "B", api.PhaseCompleted, "good", 20),
		task("t2", 0, "C", api.PhaseCompleted, "bad", 30), // outvoted: a wrong result
		task("t3", 1, "A", api.PhaseCompleted, "x", 40),   // no majority in shard 1: nobody paid
		task("t4", 1, "B", api.PhaseCompleted, "y", 50),
		{ID: "t5", Shard: 1, Provider: "D", Phase: api.PhaseFailed, ErrorCode: "provider_lost"},
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

func TestSettlementSlashesOnlyDeterministicMinorities(t *testing.T) {
	for _, c := range []struct {
		engine spec.Engine
		kind   string
	}{{spec.EngineWasm, ledger.FaultWrongResult}, {spec.EngineDocker, ledger.FaultLost}} {
		j := &api.Job{ID: "j-3", Phase: api.PhaseCompleted, Spec: spec.Job{Engine: c.engine, Replicas: 3},
			Payment: &api.Payment{Escrow: "e-3", Budget: 1_000_000}}
		j.Tasks = []api.Task{
			task("t0", 0, "A", api.PhaseCompleted, "good", 10),
			task("t1", 0, "B", api.PhaseCompleted, "good", 10),
			task("t2", 0, "C", api.PhaseCompleted, "other", 10),
		}
		m := settlementFor(j, 100)
		if len(m.Payouts) != 2 || len(m.Faults) != 1 || m.Faults[0].Peer != "C" || m.Faults[0].Kind != c.kind {
			t.Fatalf("%s: payouts %+v faults %+v, want C reported %s", c.engine, m.Payouts, m.Faults, c.kind)
		}
	}
}

func TestSettlementFaultsAProviderOnceWithItsWorstFault(t *testing.T) {
	j := &api.Job{ID: "j-4", Phase: api.PhaseCompleted, Spec: spec.Job{Engine: spec.EngineWasm, Replicas: 3, Shards: 2},
		Payment: &api.Payment{Escrow: "e-4", Budget: 1_000_000}}
	j.Tasks = []api.Task{
		{ID: "t0", Shard: 0, Provider: "C", Phase: api.PhaseFailed, ErrorCode: "provider_lost"},
		task("t1", 0, "A", api.PhaseCompleted, "good", 10),
		task("t2", 0, "B", api.PhaseCompleted, "good", 10),
		task("t3", 1, "A", api.PhaseCompleted, "fine", 10),
		task("t4", 1, "B", api.PhaseCompleted, "fine", 10),
		task("t5", 1, "C", api.PhaseCompleted, "forged", 10),
	}
	m := settlementFor(j, 100)
	if len(m.Faults) != 1 || m.Faults[0].Task != "t5" || m.Faults[0].Kind != ledger.FaultWrongResult {
		t.Fatalf("faults %+v, want C once, for its wrong result", m.Faults)
	}
}

func TestSettlementFollowsTheRecordedVerdict(t *testing.T) {
	// A spot-checked shard: one planned replica, a check that disagreed,
	// and a tie-break that sided with the check.
	j := &api.Job{ID: "j-5", Phase: api.PhaseCompleted, Spec: spec.Job{Engine: spec.EngineWasm, Replicas: 1},
		Payment: &api.Payment{Escrow: "e-5", Budget: 1_000_000}}
	j.Tasks = []api.Task{
		task("t0", 0, "A", api.PhaseCompleted, "forged", 10),
		task("t1", 0, "B", api.PhaseCompleted, "good", 10),
		task("t2", 0, "C", api.PhaseCompleted, "good", 10),
	}
	j.Verification = &api.Verification{Mode: "spot-check", Verdict: api.VerdictAccepted,
		Shards: []api.ShardVerdict{{Shard: 0, Verdict: api.VerdictAccepted, Root: "good"}}}
	m := settlementFor(j, 100)
	if len(m.Payouts) != 2 || len(m.Faults) != 1 || m.Faults[0].Peer != "A" {
		t.Fatalf("payouts %+v faults %+v, want B and C paid and A faulted", m.Payouts, m.Faults)
	}
	// Without the record the same rule applies: every execution votes.
	j.Verification = nil
	if m2 := settlementFor(j, 100); len(m2.Payouts) != 2 || len(m2.Faults) != 1 || m2.Faults[0].Peer != "A" {
		t.Fatalf("without a verdict: payouts %+v faults %+v", m2.Payouts, m2.Faults)
	}
}

func TestSettlementPaysTheReduceStepOnce(t *testing.T) {
	j := &api.Job{ID: "j-r", Phase: api.PhaseCompleted, OutputRoot: "job-root",
		Spec:    spec.Job{Shards: 2, Replicas: 1, Engine: spec.EngineWasm, Reduce: &spec.Reduce{}},
		Payment: &api.Payment{Escrow: "e-r", Budget: 1_000_000},
		Verification: &api.Verification{Mode: "none", Verdict: api.VerdictAccepted, Shards: []api.ShardVerdict{
			{Shard: 0, Verdict: api.VerdictAccepted, Root: "r0"}, {Shard: 1, Verdict: api.VerdictAccepted, Root: "r1"}}}}
	j.Tasks = []api.Task{
		task("t0", 0, "A", api.PhaseCompleted, "r0", 10),
		task("t1", 1, "B", api.PhaseCompleted, "r1", 20),
		{ID: "t2", Shard: 2, Provider: "C", Phase: api.PhaseCompleted, OutputRoot: "reduced", Price: 30, Role: api.RoleReduce},
	}
	m := settlementFor(j, 100)
	paid := map[string]int64{}
	for _, p := range m.Payouts {
		paid[p.Task] += p.Amount
	}
	if len(m.Payouts) != 3 || paid["t2"] != 30 || len(m.Faults) != 0 {
		t.Fatalf("payouts %+v faults %+v: the reduce step must be paid once and nobody faulted", m.Payouts, m.Faults)
	}
}
