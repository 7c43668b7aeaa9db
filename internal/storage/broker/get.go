package broker

import (
	"context"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
)

// Get writes the ciphertext of object cid to w, read from any k of its
// shards: every piece is checked against its shard's Merkle root before
// it is used, a shard that fails is replaced by another, and too few
// usable shards end the read with an error wrapping
// erasure.ErrTooFewShards. Only verified bytes are ever written. An owner
// other than the object's gets ErrNotFound.
func (b *Broker) Get(ctx context.Context, cid, owner string, w io.Writer) error {
	o, err := b.Object(cid, owner)
	if err != nil {
		return err
	}
	return erasure.Decode(ctx, o.Layout, o.CipherLen, o.roots(), b.sources(ctx, o, nil), w)
}

// sources returns a source for every shard of o held by a live provider
// and not known lost, nil for the others and for those in skip.
func (b *Broker) sources(ctx context.Context, o *Object, skip map[int]bool) []erasure.Source {
	online := b.Online(ctx)
	out := make([]erasure.Source, o.Layout.Shards())
	for _, p := range o.Shards {
		if !online[p.Peer] || p.State == ShardLost || skip[p.Index] {
			continue
		}
		st, err := b.store(p.Peer)
		if err != nil {
			continue
		}
		out[p.Index] = &shardSource{st: st, id: o.shardID(p.Index), pieces: o.Layout.Pieces(o.CipherLen)}
	}
	return out
}

// shardSource reads one shard from its provider for the erasure decoder.
type shardSource struct {
	st     storage.ShardStore
	id     storage.ShardID
	pieces int64
}

func (s *shardSource) Leaves(ctx context.Context) ([]storage.Hash, error) {
	return s.st.Leaves(ctx, s.id)
}

// Open streams the pieces from piece from on through a pipe; closing the
// reader stops the transfer.
func (s *shardSource) Open(ctx context.Context, from int64) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	go func() {
		err := s.st.Read(ctx, s.id, from, s.pieces-from, pw)
		_ = pw.CloseWithError(err)
	}()
	return &cancelReader{PipeReader: pr, cancel: cancel}, nil
}

type cancelReader struct {
	*io.PipeReader
	cancel context.CancelFunc
}

func (r *cancelReader) Close() error {
	r.cancel()
	return r.PipeReader.Close()
}
