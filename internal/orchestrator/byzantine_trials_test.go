package orchestrator

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
)

// liarOf picks which of three providers lies about a job, from its ID, so
// that every provider plays the liar in about a third of the trials.
func liarOf(jobID string) int {
	sum := sha256.Sum256([]byte(jobID))
	return int(sum[0]) % 3
}

// TestByzantineTrials runs byzantineTrials quorum jobs of three replicas
// on three providers, one of which returns a wrong output (a different
// one each time). No wrong result may be accepted, the liar must be the
// one wrong_result fault of the settlement every time (which the chain
// slashes), and each honest task must be paid exactly once.
func TestByzantineTrials(t *testing.T) {
	o, h := startOrchestrator(t)
	ps := startProviders(t, o, h, 3, func(i int, d wire.Dispatch) string {
		if i == liarOf(d.Task.JobID) {
			return fmt.Sprintf("forged by %d for %s", i, d.Task.TaskID) // never the same twice
		}
		return honest(d)
	})
	peers := make([]string, len(ps))
	for i, p := range ps {
		peers[i] = peerOf(p)
	}
	var caught, paid atomic.Int64
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range jobs {
				j := runSpec(t, o, func(s *spec.Job) { s.Replicas = 3 })
				if checkTrial(t, j, peers) {
					caught.Add(1)
					paid.Add(2)
				}
			}
		})
	}
	for i := range byzantineTrials {
		if t.Failed() {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("%d trials: liar identified as the one wrong_result fault in %d, %d honest tasks paid once each", byzantineTrials, caught.Load(), paid.Load())
	if caught.Load() != byzantineTrials {
		t.Fatalf("liar caught in %d of %d trials", caught.Load(), byzantineTrials)
	}
}

// checkTrial checks one trial's terminal record and its settlement.
func checkTrial(t *testing.T, j *api.Job, peers []string) bool {
	t.Helper()
	liar := peers[liarOf(j.ID)]
	want := rootOf(t, honest(wire.Dispatch{Task: wire.TaskSpec{JobID: j.ID}}))
	v := j.Verification
	if j.Phase != api.PhaseCompleted || v == nil || v.Verdict != api.VerdictAccepted || v.Shards[0].Root != want {
		t.Errorf("job %s ended %s (%s), verification %+v: the honest root %s was not accepted", j.ID, j.Phase, j.Reason, v, want)
		return false
	}
	sv := v.Shards[0]
	if len(sv.Dissenting) != 1 || sv.Dissenting[0].Provider != liar || len(sv.Agreeing) != 2 {
		t.Errorf("job %s: verdict %+v does not single out the liar %s", j.ID, sv, liar)
		return false
	}
	m := settlement(j)
	if len(m.Faults) != 1 || m.Faults[0].Peer != liar || m.Faults[0].Kind != ledger.FaultWrongResult {
		t.Errorf("job %s: faults %+v, want the liar %s as the one wrong_result", j.ID, m.Faults, liar)
		return false
	}
	tasks := map[string]int{}
	for _, p := range m.Payouts {
		tasks[p.Task]++
		if p.Peer == liar {
			t.Errorf("job %s: the liar is paid: %+v", j.ID, p)
			return false
		}
	}
	for _, k := range j.Tasks {
		if k.Provider != liar && tasks[k.ID] != 1 {
			t.Errorf("job %s: honest task %s paid %d times", j.ID, k.ID, tasks[k.ID])
			return false
		}
	}
	return len(m.Payouts) == 2
}
