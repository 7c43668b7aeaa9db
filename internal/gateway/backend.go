package gateway

import (
	"context"
	"errors"
	"io"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// Backend is what the gateway serves: the orchestrator's jobs, the blob
// store and the provider view. The orchestrator implements it.
type Backend interface {
	Node(ctx context.Context) api.Node
	// SubmitJob validates and accepts a job whose local references are
	// already resolved to blobs. A *spec.ValidationError means bad input.
	// The account AccountFrom(ctx) returns, if any, is the job's Owner:
	// with WithAuth only that account sees the job.
	SubmitJob(ctx context.Context, s spec.Job) (*api.Job, error)
	GetJob(ctx context.Context, id string) (*api.Job, error)
	// ListJobs keeps only opts.Owner's jobs when it is set.
	ListJobs(ctx context.Context, opts api.ListOptions) ([]api.Job, error)
	CancelJob(ctx context.Context, id, reason string) (*api.Job, error)
	// WaitJob blocks until the job's Version exceeds after (or it is
	// terminal, or ctx ends) and returns the record.
	WaitJob(ctx context.Context, id string, after uint64) (*api.Job, error)
	JobLogs(ctx context.Context, id string) (*api.Logs, error)
	JobOutputs(ctx context.Context, id string) ([]api.OutputFile, error)
	OpenOutput(ctx context.Context, id string, shard int, path string) (io.ReadCloser, int64, error)
	// PutBlob stores at most max bytes from r and returns its reference.
	PutBlob(ctx context.Context, r io.Reader, max int64) (api.Blob, error)
	Providers(ctx context.Context) ([]api.Provider, error)
}

// Errors a Backend returns that the gateway maps to HTTP statuses.
var (
	ErrNotFound     = errors.New("not found")      // 404
	ErrConflict     = errors.New("conflict")       // 409, e.g. cancelling a finished job
	ErrTooLarge     = errors.New("too large")      // 413
	ErrUnavailable  = errors.New("unavailable")    // 503
	ErrBlobNotFound = errors.New("blob not found") // 400 with a hint to upload first
	// ErrPaymentRequired: the job has no escrow, or its escrow cannot pay
	// for it (402).
	ErrPaymentRequired = errors.New("payment required")
)
