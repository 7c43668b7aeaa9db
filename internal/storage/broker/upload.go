package broker

import (
	"context"
	"errors"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
)

// shardUpload streams one shard to a provider while the shard is being
// produced (by the encoder on upload, by the rebuilder on repair): its
// writes go through a pipe to the provider's Put. A provider that fails
// stops taking writes without failing the writer (softWriter), so that
// the other shards go on; finish says how this one ended.
type shardUpload struct {
	sw   *softWriter
	pw   *io.PipeWriter
	done chan struct{}
	root storage.Hash
	err  error
}

var errShardDropped = errors.New("the provider stopped reading the shard")

// startUpload starts storing info on peer from what is written to the
// returned upload.
func (b *Broker) startUpload(ctx context.Context, peer string, info storage.ShardInfo) *shardUpload {
	pr, pw := io.Pipe()
	u := &shardUpload{sw: &softWriter{w: pw}, pw: pw, done: make(chan struct{})}
	st, err := b.store(peer)
	if err != nil {
		u.sw.fail(err)
		_ = pr.CloseWithError(err)
		u.err = err
		close(u.done)
		return u
	}
	go func() {
		defer close(u.done)
		u.root, u.err = st.Put(ctx, info, pr)
		// Unblock the writer if the provider stopped reading.
		_ = pr.CloseWithError(errShardDropped)
	}()
	return u
}

func (u *shardUpload) Write(p []byte) (int, error) { return u.sw.Write(p) }

// finish ends the shard's stream, with cause when its producer failed,
// and waits for the provider: the root it stored, or why it did not.
func (u *shardUpload) finish(cause error) (storage.Hash, error) {
	_ = u.pw.CloseWithError(cause)
	<-u.done
	if u.err == nil && u.sw.err != nil {
		return u.root, u.sw.err
	}
	return u.root, u.err
}
