package verify

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Execution is one finished run of a shard, as verification counts it.
type Execution struct {
	Task     string
	Provider string
	Root     string
	ExitCode int
}

// Tally is the count of a shard's executions by output root.
type Tally struct {
	// Root is the root a strict majority agrees on, "" when there is none.
	Root string
	// Agreeing executions produced Root; Dissenting ones another root
	// (with no majority, every execution dissents from none: both are
	// empty and Split holds them).
	Agreeing, Dissenting []Execution
	// Split holds the executions when no root has a majority.
	Split []Execution
}

// Decided reports whether a strict majority agrees.
func (t Tally) Decided() bool { return t.Root != "" }

// Count tallies execs and finds the root that more than half of voters
// agree on. Voters is the number of executions the shard is meant to have
// (its planned replicas); when more ran, all of them vote, so that an
// extra execution can never let a minority win.
func Count(execs []Execution, voters int) Tally {
	voters = max(voters, len(execs))
	n := map[string]int{}
	for _, e := range execs {
		if e.Root != "" {
			n[e.Root]++
		}
	}
	var t Tally
	for root, c := range n {
		if 2*c > voters {
			t.Root = root
		}
	}
	for _, e := range execs {
		switch {
		case t.Root == "":
			t.Split = append(t.Split, e)
		case e.Root == t.Root:
			t.Agreeing = append(t.Agreeing, e)
		default:
			t.Dissenting = append(t.Dissenting, e)
		}
	}
	return t
}

// MaxExecutions is the most executions single-run verification (spot-check
// and auto) gives one shard: the first, a check, and a tie-break.
const MaxExecutions = 3

// Step is what verification does next with a shard.
type Step int

const (
	// Accept the tally's root.
	Accept Step = iota
	// Run one more execution on a provider that has not run the shard.
	RunAnother
	// Reject: the executions disagree and no more will run.
	Reject
)

func (s Step) String() string {
	switch s {
	case Accept:
		return "accept"
	case RunAnother:
		return "run another"
	default:
		return "reject"
	}
}

// Next decides a single-run shard (spot-check or auto): a result that
// needs no check is accepted alone; a checked one needs a second,
// agreeing execution; a disagreement is broken by a third, and the
// majority of the three decides. It returns the tally it decided on.
func Next(execs []Execution, check bool) (Step, Tally) {
	need := 1
	if check {
		need = 2
	}
	t := Count(execs, need)
	switch {
	case len(execs) >= need && t.Decided():
		return Accept, t
	case len(execs) < MaxExecutions:
		return RunAnother, t
	default:
		return Reject, t
	}
}

// Draw is a job's reproducible random number in [0, 1) for one shard and
// one purpose: the same job, shard and purpose always give the same draw,
// so a decision made from it can be recomputed and audited, and survives
// a restart. Providers cannot predict it without the job ID, which they
// only learn once the task is dispatched to them, and the draw is made
// after the result is in.
func Draw(jobID string, shard int, purpose string) float64 {
	sum := sha256.Sum256(fmt.Appendf(nil, "opensky/verify/%s/%s/%d", purpose, jobID, shard))
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// SpotCheck decides whether a shard's single result is re-executed: it is
// when the job's spot-check draw for the shard is below q. It returns the
// draw too, to be recorded with the verdict.
func SpotCheck(jobID string, shard int, q float64) (bool, float64) {
	d := Draw(jobID, shard, "spot-check")
	return d < q, d
}
