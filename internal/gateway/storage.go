package gateway

import (
	"context"
	"io"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// Storage is the storage network a gateway serves under /api/v1/storage.
// Owner is the authenticated account ("" on a gateway without
// authentication, which then sees every object); an object of another
// owner is ErrNotFound. Errors wrap ErrNotFound, ErrUnavailable (too few
// providers or shards), ErrConflict, or a *badRequest-like error the
// implementation marks with BadRequest.
type Storage interface {
	PutObject(ctx context.Context, owner string, p api.StoragePut, ciphertext io.Reader) (*api.StoredObject, error)
	Objects(ctx context.Context, owner string) ([]api.StoredObject, error)
	Object(ctx context.Context, cid, owner string) (*api.StoredObject, error)
	// GetObject writes the object's ciphertext to w; it writes nothing
	// before it knows enough shards are readable.
	GetObject(ctx context.Context, cid, owner string, w io.Writer) error
	DeleteObject(ctx context.Context, cid, owner string) error
	AuditObject(ctx context.Context, cid, owner string) ([]api.AuditResult, error)
	RepairObject(ctx context.Context, cid, owner string) (api.RepairReport, error)
	Quote(ctx context.Context, size int64, redundancy string, duration time.Duration) (api.StorageQuote, error)
	// ObjectBlob opens a stored object with its key into the blob
	// store, at most max bytes, so that a job can take it as an input.
	// The key is used for this call only and kept nowhere.
	ObjectBlob(ctx context.Context, cid, owner string, key [32]byte, max int64) (api.Blob, error)
	// PublishJob stores a finished job's output files as one object (a
	// tar archive laid out like `opensky job get` writes them), sealed
	// to the recipient's account key.
	PublishJob(ctx context.Context, owner string, recipient [32]byte, job *api.Job) (*api.StoredObject, error)
}

// WithStorage serves the storage network under /api/v1/storage.
func WithStorage(st Storage) Option {
	return func(s *Server) { s.storage = st }
}

// BadRequest marks err as the client's mistake: the gateway answers 400
// with err's message.
func BadRequest(err error) error { return &badRequest{msg: err.Error()} }
