package executor

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/opensky-network/opensky/internal/spec"
)

// Executor runs one task to completion under hard limits.
//
// Run blocks until the task ends or ctx is cancelled; cancellation really
// stops the work. A task that ran and exited (with any code) returns a
// Result and a nil error. A task that could not run or was stopped by a
// limit returns an error wrapping one of the Err values below, and a Result
// with whatever output was captured before it stopped (never nil when the
// task started).
type Executor interface {
	Engine() spec.Engine
	Run(ctx context.Context, t *Task) (*Result, error)
}

// Closer is implemented by executors that hold resources (compilation
// caches, engine clients).
type Closer interface {
	Close(ctx context.Context) error
}

// Errors an executor reports. Callers test them with errors.Is.
var (
	ErrInvalidTask   = errors.New("invalid task")
	ErrInvalidModule = errors.New("invalid module")
	ErrTimeout       = errors.New("deadline exceeded")
	ErrMemoryLimit   = errors.New("memory limit exceeded")
	ErrTrap          = errors.New("module trapped")
	ErrCancelled     = errors.New("cancelled")
	ErrOutputLimit   = errors.New("output limit exceeded")
)

// Task is one unit of execution: one shard replica of a job.
type Task struct {
	ID     string
	JobID  string
	Shard  int
	Shards int

	Engine spec.Engine
	// Module is the WebAssembly binary (engine wasm); ModuleHash its
	// "sha256:<hex>" blob reference, used as a cache key.
	Module     []byte
	ModuleHash string
	// Image, Entrypoint and WorkingDir are for engine docker.
	Image      string
	Entrypoint []string
	WorkingDir string
	// Network asks for network egress (engine docker); an engine refuses
	// the task when its policy does not allow it.
	Network bool
	// StateDir, when set, is a host directory the task sees read-write at
	// /state and that outlives it.
	StateDir string

	Args  []string
	Env   map[string]string
	Stdin []byte

	Limits Limits

	// InputDir is a host directory the task sees read-only at /inputs;
	// OutputDir a host directory it sees writable at /outputs. Either may
	// be empty.
	InputDir  string
	OutputDir string

	// Seed seeds the task's randomness so that replicas are byte-for-byte
	// comparable.
	Seed uint64

	// Stdout and Stderr, when set, receive output live as well as it
	// being captured into the Result.
	Stdout io.Writer
	Stderr io.Writer
}

// Limits are the hard limits of a task.
type Limits struct {
	MilliCPU    int64
	MemoryBytes int64
	DiskBytes   int64
	Timeout     time.Duration
	// OutputBytes bounds captured stdout and stderr each.
	OutputBytes int64
	Pids        int64
	// GPUs is how many GPUs the task gets (engines without GPUs refuse a
	// task asking for any).
	GPUs int64
}

// Result is what a task produced.
type Result struct {
	ExitCode int
	// Stdout and Stderr are captured up to Limits.OutputBytes each;
	// Truncated says when more was written.
	Stdout    []byte
	Stderr    []byte
	Truncated bool
	OOMKilled bool
	Usage     Usage
}

// Usage is measured resource use, for receipts and billing.
type Usage struct {
	WallTime   time.Duration
	CPUTime    time.Duration
	PeakMemory int64
}
