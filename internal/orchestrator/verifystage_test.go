package orchestrator

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
)

// answerFunc is what provider i writes to stdout for a dispatched task.
type answerFunc func(i int, d wire.Dispatch) string

// startProviders starts n scripted providers that answer with answer, and
// waits until the orchestrator sees them all.
func startProviders(t *testing.T, o *Orchestrator, h *p2p.Host, n int, answer answerFunc) []*scripted {
	ps := make([]*scripted, n)
	for i := range ps {
		s := &scripted{}
		s.result = func(d wire.Dispatch) (*wire.Result, crypto.PrivKey) {
			return honestResult(t, s.host.PrivKey(), d, answer(i, d), ""), nil
		}
		startScripted(t, h, s)
		ps[i] = s
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		seen := map[string]bool{}
		list, _ := o.Providers(context.Background())
		for _, p := range list {
			seen[p.Peer] = true
		}
		all := true
		for _, p := range ps {
			all = all && seen[peerOf(p)]
		}
		if all {
			return ps
		}
		if time.Now().After(deadline) {
			t.Fatalf("the orchestrator sees %d of %d providers", len(seen), n)
		}
	}
}

// honest is the correct stdout of a shard.
func honest(d wire.Dispatch) string {
	return fmt.Sprintf("result of %s shard %d", d.Task.JobID, d.Task.Shard)
}

func rootOf(t *testing.T, stdout string) string {
	r, err := verify.ResultRoot(nil, 0, []byte(stdout), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.String()
}

// runSpec submits a wasm job with the given verification fields and waits
// for its terminal record.
func runSpec(t *testing.T, o *Orchestrator, edit func(s *spec.Job)) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ref, _, err := o.blobs.Put(ctx, strings.NewReader("\x00asm\x01\x00\x00\x00"), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	s := spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref}
	if edit != nil {
		edit(&s)
	}
	j, err := o.SubmitJob(auth.WithAccount(ctx, consumer), s)
	if err != nil {
		t.Fatal(err)
	}
	return waitTerminal(t, o, j.ID)
}

func waitTerminal(t *testing.T, o *Orchestrator, id string) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var after uint64
	for {
		rec, err := o.WaitJob(ctx, id, after)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("wait for %s: %v", id, err)
		}
		if rec.Phase.Terminal() {
			return rec
		}
		after = rec.Version
	}
}

// settlement is settlementFor on a copy of j with an escrow, as the
// orchestrator would submit it.
func settlement(j *api.Job) ledger.MsgSettle {
	c := cloneJob(j)
	c.Payment = &api.Payment{Escrow: "e-00000000000000000000000000000001", Budget: ledger.MaxAmount / 2}
	return settlementFor(c, 100)
}

func faultsOf(m ledger.MsgSettle) map[string]string {
	out := map[string]string{}
	for _, f := range m.Faults {
		out[f.Peer] = f.Kind
	}
	return out
}

func peerOf(s *scripted) string { return s.host.ID().String() }

func TestQuorumWithoutMajorityFailsAndFaultsNobody(t *testing.T) {
	o, h := startOrchestrator(t)
	startProviders(t, o, h, 3, func(i int, d wire.Dispatch) string { return fmt.Sprintf("answer %d", i) })
	j := runSpec(t, o, func(s *spec.Job) { s.Replicas = 3 })
	if j.Phase != api.PhaseFailed || j.ErrorCode != "replicas_disagree" {
		t.Fatalf("ended %s/%s: %s", j.Phase, j.ErrorCode, j.Reason)
	}
	v := j.Verification
	if v == nil || v.Mode != "quorum" || v.Verdict != api.VerdictNoMajority || len(v.Shards[0].Dissenting) != 3 || v.Shards[0].Root != "" {
		t.Fatalf("verification %+v", v)
	}
	m := settlement(j)
	if len(m.Payouts) != 0 || len(m.Faults) != 0 {
		t.Fatalf("no majority must pay and fault nobody: %+v", m)
	}
}

func TestTwoColludingLiarsOutvoteTheHonestReplica(t *testing.T) {
	// The limit of a quorum of three: two providers that agree on the
	// same wrong output win, and the honest one is reported. The odds of
	// this are in docs/orchestration.md.
	o, h := startOrchestrator(t)
	ps := startProviders(t, o, h, 3, func(i int, d wire.Dispatch) string {
		if i > 0 {
			return "colluded " + d.Task.JobID
		}
		return honest(d)
	})
	j := runSpec(t, o, func(s *spec.Job) { s.Replicas = 3 })
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("ended %s: %s", j.Phase, j.Reason)
	}
	if got := j.Verification.Shards[0].Root; got != rootOf(t, "colluded "+j.ID) {
		t.Fatalf("accepted %s: expected the colluders' root to win", got)
	}
	if faults := faultsOf(settlement(j)); len(faults) != 1 || faults[peerOf(ps[0])] != ledger.FaultWrongResult {
		t.Fatalf("faults %v: the honest provider is the one outvoted", faults)
	}
}

func TestSpotCheckMismatchIsSettledByAThirdExecution(t *testing.T) {
	o, h := startOrchestrator(t)
	// Provider 0 lies; with q = 1 every result is re-executed, and a
	// mismatch brings in the third provider.
	ps := startProviders(t, o, h, 3, func(i int, d wire.Dispatch) string {
		if i == 0 {
			return "forged " + d.Task.JobID
		}
		return honest(d)
	})
	liarRan := 0
	for trial := 0; trial < 6; trial++ {
		j := runSpec(t, o, func(s *spec.Job) { s.Verification, s.SpotCheck = spec.VerifySpotCheck, 1 })
		sv := j.Verification.Shards[0]
		if j.Phase != api.PhaseCompleted || sv.Root != rootOf(t, honest(wire.Dispatch{Task: wire.TaskSpec{JobID: j.ID}})) {
			t.Fatalf("trial %d ended %s (%s) with root %s", trial, j.Phase, j.Reason, sv.Root)
		}
		ran := false
		for _, k := range j.Tasks {
			ran = ran || k.Provider == peerOf(ps[0])
		}
		faults := faultsOf(settlement(j))
		switch {
		case ran:
			liarRan++
			if sv.Checks != 2 || len(sv.Dissenting) != 1 || faults[peerOf(ps[0])] != ledger.FaultWrongResult || len(faults) != 1 {
				t.Fatalf("trial %d: checks %d, dissent %+v, faults %v", trial, sv.Checks, sv.Dissenting, faults)
			}
		case sv.Checks != 1 || len(faults) != 0:
			t.Fatalf("trial %d: two honest executions need one check and fault nobody: checks %d, faults %v", trial, sv.Checks, faults)
		}
	}
	t.Logf("the liar ran in %d of 6 jobs and was caught each time", liarRan)
}

func TestSpotCheckDecisionIsTheJobsDraw(t *testing.T) {
	o, h := startOrchestrator(t)
	startProviders(t, o, h, 2, func(_ int, d wire.Dispatch) string { return honest(d) })
	checked := 0
	for range 8 {
		j := runSpec(t, o, func(s *spec.Job) { s.Verification, s.SpotCheck, s.Shards = spec.VerifySpotCheck, 0.5, 2 })
		if j.Phase != api.PhaseCompleted {
			t.Fatalf("ended %s: %s", j.Phase, j.Reason)
		}
		for _, sv := range j.Verification.Shards {
			want, draw := verify.SpotCheck(j.ID, sv.Shard, 0.5)
			if sv.Draw != draw || (sv.Checks == 1) != want {
				t.Fatalf("shard %d: draw %v checks %d, the job's draw is %v (check %v)", sv.Shard, sv.Draw, sv.Checks, draw, want)
			}
			if want {
				checked++
			}
		}
	}
	t.Logf("%d of 16 shards re-executed at q=0.5", checked)
}

func TestAutoReplicatesUntrustedProviders(t *testing.T) {
	chain := newFakeChain()
	o, h := startOrchestratorWith(t, Config{Payments: chain})
	ps := startProviders(t, o, h, 3, func(_ int, d wire.Dispatch) string { return honest(d) })
	for _, p := range ps {
		chain.setScore(peerOf(p), 0.5) // newcomers
	}
	j := runSpec(t, o, func(s *spec.Job) {
		s.Verification, s.Shards, s.Escrow = spec.VerifyAuto, 3, chain.escrow()
	})
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("ended %s: %s", j.Phase, j.Reason)
	}
	for _, sv := range j.Verification.Shards {
		if sv.Trusted || sv.Checks != 1 || len(sv.Agreeing) != 2 || sv.Agreeing[0].Provider == sv.Agreeing[1].Provider {
			t.Fatalf("shard %d of newcomers: %+v", sv.Shard, sv)
		}
	}
	m := chain.waitSettled(t, j.ID)
	if len(m.Payouts) != 6 || len(m.Faults) != 0 {
		t.Fatalf("settlement %+v: want the six agreeing executions paid", m)
	}

	// A long clean record is trusted alone, spot-checked with its draw.
	for _, p := range ps {
		chain.setScore(peerOf(p), 0.99)
	}
	o.reg.mu.Lock()
	o.reg.fetched = time.Time{}
	o.reg.mu.Unlock()
	j = runSpec(t, o, func(s *spec.Job) {
		s.Verification, s.Shards, s.SpotCheck, s.Escrow = spec.VerifyAuto, 3, 0.2, chain.escrow()
	})
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("ended %s: %s", j.Phase, j.Reason)
	}
	for _, sv := range j.Verification.Shards {
		want, _ := verify.SpotCheck(j.ID, sv.Shard, 0.2)
		if !sv.Trusted || (sv.Checks == 1) != want {
			t.Fatalf("shard %d of trusted providers: %+v (spot-check drawn: %v)", sv.Shard, sv, want)
		}
	}
}

func TestAutoWithoutAChainTrustsNobody(t *testing.T) {
	o, h := startOrchestrator(t)
	startProviders(t, o, h, 2, func(_ int, d wire.Dispatch) string { return honest(d) })
	j := runSpec(t, o, func(s *spec.Job) { s.Verification = spec.VerifyAuto })
	if j.Phase != api.PhaseCompleted || j.Verification.Shards[0].Trusted || j.Verification.Shards[0].Checks != 1 {
		t.Fatalf("ended %s (%s): %+v", j.Phase, j.Reason, j.Verification)
	}
}

func TestUncheckableShardFailsUnverified(t *testing.T) {
	// One provider: the check needs another and there is none.
	h := newHost(t)
	o, err := New(h, Config{DataDir: t.TempDir(), PresenceTimeout: 5 * time.Second, MatchTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	startProviders(t, o, h, 1, func(_ int, d wire.Dispatch) string { return honest(d) })
	j := runSpec(t, o, func(s *spec.Job) { s.Verification = spec.VerifyAuto })
	sv := j.Verification.Shards[0]
	if j.Phase != api.PhaseFailed || j.ErrorCode != "no_providers" || sv.Verdict != api.VerdictUnverified || sv.Checks != maxFailedChecks {
		t.Fatalf("ended %s/%s (%s): %+v", j.Phase, j.ErrorCode, j.Reason, sv)
	}
	if m := settlement(j); len(m.Payouts) != 0 || len(m.Faults) != 0 {
		t.Fatalf("an unverified result is neither paid nor faulted: %+v", m)
	}
}

// consumer is the account runSpec submits as, and the owner of
// fakeChain's escrows.
const consumer = "5Consumer"

// fakeChain is Payments for tests: escrows that always hold enough, and a
// registry whose scores the test sets.
type fakeChain struct {
	mu      sync.Mutex
	scores  map[string]float64
	escrows map[string]*ledger.Escrow
	settled map[string]ledger.MsgSettle
	next    int
}

var _ Payments = (*fakeChain)(nil)

func newFakeChain() *fakeChain {
	return &fakeChain{scores: map[string]float64{}, escrows: map[string]*ledger.Escrow{}, settled: map[string]ledger.MsgSettle{}}
}

// escrow locks an escrow of consumer's.
func (f *fakeChain) escrow() string { return f.escrowOf(consumer) }

// escrowOf locks an escrow owned by owner.
func (f *fakeChain) escrowOf(owner string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	sum := sha256.Sum256(fmt.Append(nil, f.next))
	id := fmt.Sprintf("e-%x", sum[:16])
	f.escrows[id] = &ledger.Escrow{ID: id, Owner: owner, Arbiter: f.Arbiter(), Amount: 1_000_000_000, State: ledger.EscrowOpen, ExpiresAt: 1 << 40}
	return id
}

func (f *fakeChain) setScore(peer string, s float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scores[peer] = s
}

func (f *fakeChain) waitSettled(t *testing.T, job string) ledger.MsgSettle {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		f.mu.Lock()
		m, ok := f.settled[job]
		f.mu.Unlock()
		if ok {
			return m
		}
	}
	t.Fatalf("job %s was not settled", job)
	return ledger.MsgSettle{}
}

func (f *fakeChain) Arbiter() string                       { return "5Arbiter" }
func (f *fakeChain) Height(context.Context) (int64, error) { return 1, nil }
func (f *fakeChain) FeeBps(context.Context) (int64, error) { return 100, nil }
func (f *fakeChain) Registered(context.Context) (map[string]float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]float64, len(f.scores))
	for k, v := range f.scores {
		out[k] = v
	}
	return out, nil
}

func (f *fakeChain) Escrow(_ context.Context, id string) (ledger.Escrow, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.escrows[id]
	if !ok {
		return ledger.Escrow{}, ledger.ErrNotFound
	}
	return *e, nil
}

func (f *fakeChain) Assign(_ context.Context, id, job string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.escrows[id]
	e.State, e.Job = ledger.EscrowAssigned, job
	return nil
}

func (f *fakeChain) Settle(_ context.Context, m ledger.MsgSettle) (string, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.escrows[m.Escrow]
	if !e.Holds() {
		return "", 0, ledger.ErrConflict
	}
	e.State, e.Outcome = ledger.EscrowSettled, m.Outcome
	f.settled[m.Job] = m
	return "CAFE", 2, nil
}
