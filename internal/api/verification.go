package api

// Verdicts of a shard and of a job.
const (
	// VerdictAccepted: a strict majority of the shard's executions agree
	// on one output root (or the policy accepted a single result).
	VerdictAccepted = "accepted"
	// VerdictNoMajority: the executions disagree and no root has a strict
	// majority; nobody is paid or slashed for the shard.
	VerdictNoMajority = "no_majority"
	// VerdictUnverified: the policy's executions could not all run
	// (cancelled, or no provider for a check).
	VerdictUnverified = "unverified"
)

// Verification is how a job's results were checked, and the evidence: for
// each shard, which executions agreed on the accepted output root and
// which dissented. Receipts are on the tasks the votes name.
type Verification struct {
	// Mode is the spec's verification mode: none, quorum, spot-check or
	// auto.
	Mode string `json:"mode"`
	// SpotCheck is the probability that a single result is re-executed
	// (spot-check and auto).
	SpotCheck float64 `json:"spotCheck,omitempty"`
	// Verdict is accepted when every shard's is, otherwise the first
	// other shard verdict.
	Verdict string         `json:"verdict"`
	Shards  []ShardVerdict `json:"shards"`
}

// ShardVerdict is the verdict on one shard.
type ShardVerdict struct {
	Shard   int    `json:"shard"`
	Verdict string `json:"verdict"`
	// Root is the accepted output root and ExitCode the exit code it
	// commits to.
	Root     string `json:"root,omitempty"`
	ExitCode int    `json:"exitCode"`
	// Agreeing executions produced Root; Dissenting ones another root.
	Agreeing   []Vote `json:"agreeing,omitempty"`
	Dissenting []Vote `json:"dissenting,omitempty"`
	// Checks is how many extra executions verification ran.
	Checks int `json:"checks,omitempty"`
	// Draw is the job's reproducible random draw for the shard: the
	// result is re-executed when it is below SpotCheck (spot-check, and
	// auto for a trusted provider).
	Draw float64 `json:"draw,omitempty"`
	// Trusted says, in auto mode, that the first result's provider had a
	// track record good enough to be accepted alone.
	Trusted bool `json:"trusted,omitempty"`
	// Why explains the verdict in a sentence.
	Why string `json:"why,omitempty"`
}

// Vote is one execution's result as verification counted it.
type Vote struct {
	Task     string `json:"task"`
	Provider string `json:"provider"`
	Root     string `json:"root"`
	Role     string `json:"role,omitempty"`
}
