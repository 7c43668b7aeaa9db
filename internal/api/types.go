package api

import (
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// Phase is where a job or a task is in its lifecycle.
type Phase string

// The phases, in order. Completed, Failed, Cancelled and Expired are
// terminal. Staging (inputs), pulling (the image) and running are reported
// by the provider holding a task; settling marks the events of a job's
// settlement on the chain, which follows its terminal phase.
const (
	PhaseQueued    Phase = "queued"
	PhaseMatching  Phase = "matching"
	PhaseStaging   Phase = "staging"
	PhasePulling   Phase = "pulling"
	PhaseRunning   Phase = "running"
	PhaseVerifying Phase = "verifying"
	PhaseSettling  Phase = "settling"
	PhaseCompleted Phase = "completed"
	PhaseFailed    Phase = "failed"
	PhaseCancelled Phase = "cancelled"
	// PhaseExpired: the job's deadline passed before it finished.
	PhaseExpired Phase = "expired"
)

// Terminal reports whether no more changes follow this phase.
func (p Phase) Terminal() bool {
	return p == PhaseCompleted || p == PhaseFailed || p == PhaseCancelled || p == PhaseExpired
}

// Dispatched reports whether a task in this phase is held by a provider.
func (p Phase) Dispatched() bool {
	return p == PhaseStaging || p == PhasePulling || p == PhaseRunning
}

// Job is the record of a submitted job.
type Job struct {
	ID   string   `json:"id"`
	Spec spec.Job `json:"spec"`
	// Owner is the account that submitted the job, when the gateway
	// authenticates requests; only that account sees the job. Jobs
	// submitted without authentication have none.
	Owner string `json:"owner,omitempty"`
	// Version increases with every change of the record.
	Version uint64 `json:"version"`
	Phase   Phase  `json:"phase"`
	// Reason says why a job failed or was cancelled; ErrorCode names the
	// class of failure (e.g. "module_trap", "timeout", "no_providers").
	Reason    string `json:"reason,omitempty"`
	ErrorCode string `json:"errorCode,omitempty"`
	// ExitCode is the job's exit code: 0 when every shard exited 0,
	// otherwise the first non-zero shard exit code (by shard index).
	ExitCode   int       `json:"exitCode"`
	OutputRoot string    `json:"outputRoot,omitempty"`
	Cost       int64     `json:"cost"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	Events     []Event   `json:"events"`
	Tasks      []Task    `json:"tasks"`
	// Payment is the job's escrow and its settlement on the chain, on a
	// network that charges for jobs.
	Payment *Payment `json:"payment,omitempty"`
	// Verification is the verdict on the job's results and its evidence,
	// once the job's tasks have finished.
	Verification *Verification `json:"verification,omitempty"`
}

// Payment states.
const (
	PaymentHeld     = "held"     // escrow bound to the job, not yet settled
	PaymentSettled  = "settled"  // settled on the chain, exactly once
	PaymentRefunded = "refunded" // the escrow expired and went back to its owner
)

// Payment is how a job is paid: its escrow, and once the job ended, the
// settlement the chain recorded. Amounts are micro-USD.
type Payment struct {
	Escrow string `json:"escrow"`
	// Budget is what the escrow holds; the job's tasks and the protocol
	// fee are paid from it and the rest is refunded.
	Budget   int64  `json:"budget"`
	State    string `json:"state"`
	Outcome  string `json:"outcome,omitempty"`
	Paid     int64  `json:"paid"`
	Fee      int64  `json:"fee"`
	Refunded int64  `json:"refunded"`
	Slashed  int64  `json:"slashed"`
	TxHash   string `json:"txHash,omitempty"`
	Height   int64  `json:"height,omitempty"`
	// Error is the last reason settling failed; settling is retried.
	Error string `json:"error,omitempty"`
}

// Event is one step in a job's history.
type Event struct {
	Time    time.Time `json:"time"`
	Phase   Phase     `json:"phase"`
	Message string    `json:"message"`
}

// Task roles.
const (
	// RoleReplica is a replica planned when the job was accepted; the
	// empty role means the same.
	RoleReplica = "replica"
	// RoleCheck is an extra execution verification added: a spot-check
	// re-execution, a second replica of an untrusted provider's result,
	// or a tie-break.
	RoleCheck = "check"
	// RoleReduce is the job's reduce step, run once every shard is
	// verified, as the shard numbered Shards.
	RoleReduce = "reduce"
)

// Task is one shard replica of a job.
type Task struct {
	ID         string    `json:"id"`
	Shard      int       `json:"shard"`
	Replica    int       `json:"replica"`
	Role       string    `json:"role,omitempty"`
	Provider   string    `json:"provider,omitempty"`
	Phase      Phase     `json:"phase"`
	Attempts   int       `json:"attempts"`
	ExitCode   int       `json:"exitCode"`
	Error      string    `json:"error,omitempty"`
	ErrorCode  string    `json:"errorCode,omitempty"`
	OutputRoot string    `json:"outputRoot,omitempty"`
	Price      int64     `json:"price"`
	CPUMs      int64     `json:"cpuMs"`
	WallMs     int64     `json:"wallMs"`
	PeakMemory int64     `json:"peakMemory"`
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Receipt is the provider's sealed, signed receipt (base64 in JSON).
	Receipt []byte `json:"receipt,omitempty"`
	// BidPrice (micro-USD per CPU-second) and MinPrice are what the
	// provider offered; ProviderBoot identifies the provider's run that
	// took the task.
	// Attempt identifies the current dispatch of the task to a provider;
	// every dispatch gets a new one, so that a stale execution can never be
	// taken for a later attempt.
	Attempt      string `json:"attempt,omitempty"`
	BidPrice     int64  `json:"bidPrice,omitempty"`
	MinPrice     int64  `json:"minPrice,omitempty"`
	ProviderBoot int64  `json:"providerBoot,omitempty"`
	// History lists every dispatch of the task, oldest first; the last
	// one is the current attempt while the task is held by a provider.
	History []TaskAttempt `json:"history,omitempty"`
}

// TaskAttempt is one dispatch of a task to a provider.
type TaskAttempt struct {
	// ID is the attempt's task ID as the provider knows it; a result
	// names it, so a result from an earlier attempt is never taken for a
	// later one.
	ID       string `json:"id"`
	Provider string `json:"provider"`
	// Phase is the last phase the attempt reached; Steps say when it
	// reached each one.
	Phase     Phase       `json:"phase"`
	Steps     []PhaseStep `json:"steps,omitempty"`
	ErrorCode string      `json:"errorCode,omitempty"`
	Error     string      `json:"error,omitempty"`
	StartedAt time.Time   `json:"startedAt"`
	EndedAt   time.Time   `json:"endedAt,omitzero"`
}

// PhaseStep is when an attempt entered a phase.
type PhaseStep struct {
	Phase Phase     `json:"phase"`
	Time  time.Time `json:"time"`
}

// ListOptions filter a job listing.
type ListOptions struct {
	Phase Phase `json:"phase,omitempty"`
	Limit int   `json:"limit,omitempty"`
	// Owner keeps only the jobs of one account. The gateway sets it to
	// the authenticated account; a client cannot choose it.
	Owner string `json:"-"`
}

// Logs are the captured output of a job's tasks.
type Logs struct {
	JobID string    `json:"jobId"`
	Tasks []TaskLog `json:"tasks"`
}

// TaskLog is the captured output of one task.
type TaskLog struct {
	TaskID    string `json:"taskId"`
	Shard     int    `json:"shard"`
	Replica   int    `json:"replica"`
	Stdout    string `json:"stdout"`
	Stderr    string `json:"stderr"`
	Truncated bool   `json:"truncated,omitempty"`
	// Partial marks the output so far of a task still running.
	Partial bool `json:"partial,omitempty"`
}

// OutputFile is one collected output file of one shard.
type OutputFile struct {
	Shard int    `json:"shard"`
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	Hash  string `json:"hash"`
}

// Blob is an uploaded blob: a module or an input file.
type Blob struct {
	Hash string `json:"hash"`
	Size int64  `json:"size"`
}

// Provider is a provider as the orchestrator sees it.
type Provider struct {
	Peer              string            `json:"peer"`
	Addrs             []string          `json:"addrs,omitempty"`
	Engines           []string          `json:"engines"`
	Total             Capacity          `json:"total"`
	Free              Capacity          `json:"free"`
	Running           int64             `json:"running"`
	Labels            map[string]string `json:"labels,omitempty"`
	PricePerCPUSecond int64             `json:"pricePerCpuSecond"`
	MinPrice          int64             `json:"minPrice"`
	LastSeen          time.Time         `json:"lastSeen"`
	// Storage is the disk space the provider rents out to the storage
	// network; absent when it rents out none.
	Storage *StorageOffer `json:"storage,omitempty"`
}

// StorageOffer is a provider's disk space for the storage network.
type StorageOffer struct {
	TotalBytes int64 `json:"totalBytes"`
	FreeBytes  int64 `json:"freeBytes"`
	// PricePerGBMonth is micro-USD for keeping 10^9 bytes for 30 days.
	PricePerGBMonth int64 `json:"pricePerGbMonth"`
}

// Capacity is an amount of compute resources.
type Capacity struct {
	MilliCPU    int64 `json:"milliCpu"`
	MemoryBytes int64 `json:"memoryBytes"`
	DiskBytes   int64 `json:"diskBytes"`
	GPUs        int64 `json:"gpus"`
}

// Node describes the gateway's own node.
type Node struct {
	Peer    string   `json:"peer"`
	Addrs   []string `json:"addrs"`
	Version string   `json:"version"`
	// Auth says how the gateway authenticates requests; absent when it
	// does not.
	Auth *AuthInfo `json:"auth,omitempty"`
}

// Error is the body of every error response.
type Error struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Hint    string    `json:"hint,omitempty"`
	Details []Problem `json:"details,omitempty"`
}

// Problem is one validation problem with its field path.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}
