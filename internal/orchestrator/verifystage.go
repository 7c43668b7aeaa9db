package orchestrator

import (
	"context"
	"fmt"
	"sync"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
)

// maxFailedChecks is how many extra executions of one shard may end
// without a result (no provider, provider lost, timeout) before the job
// fails as unverified.
const maxFailedChecks = 3

// trustPolicy decides which providers auto verification trusts alone.
var trustPolicy = verify.DefaultTrust

// verifyStage decides every shard of a job whose tasks have all finished,
// running the extra executions the job's verification mode asks for
// (spot-check re-executions, second replicas, tie-breaks) as check tasks
// appended to the job. Shards are decided concurrently. It records the
// verdict on the job and returns it; stop is set when the job's context
// ended first (cancel or shutdown).
func (o *Orchestrator) verifyStage(ctx context.Context, js *jobState) (ver *api.Verification, stop *taskOutcome) {
	rec, _ := js.snapshot()
	mode := modeOf(&rec.Spec)
	ver = &api.Verification{Mode: string(mode), Shards: make([]api.ShardVerdict, rec.Spec.Shards)}
	if mode == spec.VerifySpotCheck || mode == spec.VerifyAuto {
		ver.SpotCheck = float64(rec.Spec.SpotCheck)
	}
	stops := make([]*taskOutcome, rec.Spec.Shards)
	var wg sync.WaitGroup
	for shard := range rec.Spec.Shards {
		wg.Go(func() {
			ver.Shards[shard], stops[shard] = o.verifyShard(ctx, js, mode, ver.SpotCheck, shard)
		})
	}
	wg.Wait()
	for _, s := range stops {
		if s != nil && (stop == nil || s.shutdown) {
			stop = s
		}
	}
	ver.Verdict = api.VerdictAccepted
	for _, sv := range ver.Shards {
		if sv.Verdict != api.VerdictAccepted {
			ver.Verdict = sv.Verdict
			break
		}
	}
	if stop != nil && stop.shutdown {
		return ver, stop // the job resumes, and is verified again, on the next start
	}
	// The verdict is replaced whole, never changed in place: snapshots
	// share it.
	o.update(js, func(j *api.Job) bool {
		j.Verification = ver
		return true
	})
	return ver, stop
}

// modeOf is the job's verification mode; a record from before modes
// existed has none and is verified as its replicas imply.
func modeOf(s *spec.Job) spec.Verification {
	if s.Verification != "" {
		return s.Verification
	}
	if s.Replicas > 1 {
		return spec.VerifyQuorum
	}
	return spec.VerifyNone
}

// verifyShard decides one shard, running checks until its mode's rule
// accepts or rejects it.
func (o *Orchestrator) verifyShard(ctx context.Context, js *jobState, mode spec.Verification, q float64, shard int) (api.ShardVerdict, *taskOutcome) {
	sv := api.ShardVerdict{Shard: shard}
	for {
		rec, _ := js.snapshot()
		execs, checks, failedChecks, failure := shardExecutions(rec, shard)
		sv.Checks = checks
		if len(execs) == 0 {
			sv.Verdict, sv.Why = api.VerdictUnverified, "no execution of the shard produced a result"
			if failure != nil {
				sv.Why = fmt.Sprintf("%s (%s)", sv.Why, failure.Error)
			}
			return sv, nil
		}
		var step verify.Step
		var t verify.Tally
		switch mode {
		case spec.VerifySpotCheck, spec.VerifyAuto:
			check := true
			if mode == spec.VerifySpotCheck {
				check, sv.Draw = verify.SpotCheck(rec.ID, shard, q)
			} else if sv.Trusted = o.trusted(ctx, execs[0].Provider); sv.Trusted {
				check, sv.Draw = verify.SpotCheck(rec.ID, shard, q)
			}
			step, t = verify.Next(execs, check)
		default:
			t = verify.Count(execs, rec.Spec.Replicas)
			step = verify.Reject
			if t.Decided() {
				step = verify.Accept
			}
		}
		switch step {
		case verify.Accept:
			fillVerdict(&sv, t, rec)
			sv.Verdict = api.VerdictAccepted
			sv.Why = acceptedWhy(mode, sv, len(execs), rec.Spec.Replicas, q)
			return sv, nil
		case verify.Reject:
			fillVerdict(&sv, t, rec)
			sv.Verdict = api.VerdictNoMajority
			sv.Why = fmt.Sprintf("%d executions returned %d different output roots and none has a strict majority", len(execs), distinctRoots(execs))
			return sv, nil
		}
		if failedChecks >= maxFailedChecks {
			fillVerdict(&sv, t, rec)
			sv.Verdict = api.VerdictUnverified
			sv.Why = fmt.Sprintf("%d checks of the shard ended without a result", failedChecks)
			if failure != nil {
				sv.Why += "; the last: " + failure.Error
			}
			return sv, nil
		}
		idx := o.addCheck(js, shard, checkReason(mode, sv, execs))
		if out := o.runTask(ctx, js, idx); out.shutdown || out.cancelled {
			fillVerdict(&sv, t, rec)
			sv.Verdict, sv.Why = api.VerdictUnverified, "the job stopped while the shard was being checked"
			return sv, &out
		}
	}
}

// shardExecutions lists the shard's finished executions in task order
// (the planned replicas first), counts its checks and the checks that
// ended without a result, and returns the last task that failed.
func shardExecutions(j *api.Job, shard int) (execs []verify.Execution, checks, failedChecks int, failure *api.Task) {
	for i := range j.Tasks {
		t := &j.Tasks[i]
		if t.Shard != shard {
			continue
		}
		if t.Role == api.RoleCheck {
			checks++
		}
		switch {
		case t.Phase == api.PhaseCompleted && t.OutputRoot != "":
			execs = append(execs, verify.Execution{Task: t.ID, Provider: t.Provider, Root: t.OutputRoot, ExitCode: t.ExitCode})
		case t.Phase.Terminal():
			failure = t
			if t.Role == api.RoleCheck {
				failedChecks++
			}
		}
	}
	return execs, checks, failedChecks, failure
}

func fillVerdict(sv *api.ShardVerdict, t verify.Tally, j *api.Job) {
	sv.Root, sv.Agreeing, sv.Dissenting = t.Root, votes(t.Agreeing, j), votes(t.Dissenting, j)
	if len(t.Agreeing) > 0 {
		sv.ExitCode = t.Agreeing[0].ExitCode
	}
	if t.Root == "" {
		sv.Dissenting = votes(t.Split, j)
	}
}

func votes(execs []verify.Execution, j *api.Job) []api.Vote {
	var out []api.Vote
	for _, e := range execs {
		v := api.Vote{Task: e.Task, Provider: e.Provider, Root: e.Root, Role: api.RoleReplica}
		for _, t := range j.Tasks {
			if t.ID == e.Task && t.Role != "" {
				v.Role = t.Role
			}
		}
		out = append(out, v)
	}
	return out
}

func distinctRoots(execs []verify.Execution) int {
	seen := map[string]bool{}
	for _, e := range execs {
		seen[e.Root] = true
	}
	return len(seen)
}

func acceptedWhy(mode spec.Verification, sv api.ShardVerdict, n, replicas int, q float64) string {
	agree := len(sv.Agreeing)
	switch {
	case mode == spec.VerifyNone:
		return "one replica, accepted as it is (verification none)"
	case mode == spec.VerifyQuorum:
		return fmt.Sprintf("%d of %d replicas agree", agree, max(n, replicas))
	case n == 1 && sv.Trusted:
		return fmt.Sprintf("the provider is trusted, and the spot-check draw %.4f is not below %.4f", sv.Draw, q)
	case n == 1:
		return fmt.Sprintf("the spot-check draw %.4f is not below %.4f: accepted alone", sv.Draw, q)
	default:
		return fmt.Sprintf("%d of %d executions agree", agree, n)
	}
}

func checkReason(mode spec.Verification, sv api.ShardVerdict, execs []verify.Execution) string {
	switch {
	case len(execs) >= 2:
		return "the results disagree: a third execution breaks the tie"
	case mode == spec.VerifyAuto && !sv.Trusted:
		return "the provider is not trusted yet: a second replica must agree"
	default:
		return fmt.Sprintf("spot-check (draw %.4f): re-executing the result", sv.Draw)
	}
}

// addCheck appends a check task for shard to the job, unless one is
// already waiting to run (a check a restart interrupted), and returns its
// index.
func (o *Orchestrator) addCheck(js *jobState, shard int, why string) int {
	idx := -1
	o.update(js, func(j *api.Job) bool {
		replica := 0
		for i, t := range j.Tasks {
			if t.Shard != shard {
				continue
			}
			if t.Role == api.RoleCheck && !t.Phase.Terminal() {
				idx = i
				return false
			}
			replica = max(replica, t.Replica+1)
		}
		idx = len(j.Tasks)
		j.Tasks = append(j.Tasks, api.Task{ID: taskID(j.ID, shard, replica), Shard: shard, Replica: replica, Role: api.RoleCheck, Phase: api.PhaseQueued})
		event(j, "", fmt.Sprintf("shard %d: %s", shard, why))
		return true
	})
	return idx
}

// trusted reports whether auto verification may accept peer's result
// alone: only on a network with a chain, for a registered provider whose
// reputation meets the trust policy. The registry cache is refreshed as
// matching does.
func (o *Orchestrator) trusted(ctx context.Context, peer string) bool {
	if o.cfg.Payments == nil {
		return false
	}
	peers, _ := o.registered(ctx)
	score, ok := peers[peer]
	return ok && trustPolicy.Trusted(verify.TrackRecord{Score: score, Successes: verify.SuccessesFromScore(score)})
}
