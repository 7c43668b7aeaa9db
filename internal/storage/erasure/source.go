package erasure

import (
	"context"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
)

// Source is where one shard's pieces can be read: a provider over the
// network, a local store, a test's buffer.
type Source interface {
	// Leaves returns the leaf hashes of every piece of the shard, in
	// order. Decode checks them against the shard's root.
	Leaves(ctx context.Context) ([]storage.Hash, error)
	// Open returns the shard's raw pieces from piece from to the end.
	Open(ctx context.Context, from int64) (io.ReadCloser, error)
}

// Option tunes Decode and Rebuild.
type Option func(*options)

type options struct {
	onBad func(index int, err error)
}

// OnBadShard has f called, from the calling goroutine, for every shard
// that is set aside during a read: its leaves do not match its root, it
// fails to open or to read, or it serves a piece that does not match its
// leaf (err then wraps storage.ErrCorrupt). A read that succeeds can
// still report bad shards; they are the ones to repair. Unavailable
// (nil) sources are not reported.
func OnBadShard(f func(index int, err error)) Option {
	return func(o *options) { o.onBad = f }
}

func collect(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}
