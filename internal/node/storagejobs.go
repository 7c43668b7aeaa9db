package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/archive"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// PublishedFor is how long a job's published outputs are kept: they are
// not paid for by a storage deal; `opensky storage put` keeps them longer.
const PublishedFor = 7 * 24 * time.Hour

// ObjectBlob decrypts a stored object into the orchestrator's blob store,
// streaming: the ciphertext is read from any k shards, every chunk is
// authenticated under key, and the plaintext lands in the blob store.
func (a *storageAPI) ObjectBlob(ctx context.Context, cid, owner string, key [32]byte, max int64) (api.Blob, error) {
	o, err := a.b.Object(cid, owner)
	if err != nil {
		return api.Blob{}, storageError(err)
	}
	if o.Size > max {
		return api.Blob{}, fmt.Errorf("object %s has %d bytes, more than the %d a job input may have: %w", cid, o.Size, max, gateway.ErrTooLarge)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	go func() { _ = pw.CloseWithError(a.b.Get(ctx, cid, owner, pw)) }()
	plain, err := seal.NewReader(pr, seal.Key(key), o.CipherLen)
	if err != nil {
		return api.Blob{}, err
	}
	blob, err := a.jobs.PutBlob(ctx, plain, max)
	_ = pr.CloseWithError(errors.New("object read ended"))
	switch {
	case errors.Is(err, storage.ErrCorrupt):
		// The shards were verified against their roots before decryption:
		// a chunk that does not authenticate means the wrong key.
		return api.Blob{}, gateway.BadRequest(fmt.Errorf("the key does not open object %s", cid))
	case err != nil:
		return api.Blob{}, storageError(err)
	}
	return blob, nil
}

// PublishJob stores a completed job's outputs as one object: a tar
// archive laid out like `opensky job get` writes them (PATH for a job of
// one shard, shard-N/PATH otherwise), sealed under a fresh key wrapped to
// recipient. It is named "job-<id>/" and kept PublishedFor.
func (a *storageAPI) PublishJob(ctx context.Context, owner string, recipient [32]byte, j *api.Job) (*api.StoredObject, error) {
	files, err := a.jobs.JobOutputs(ctx, j.ID)
	if err != nil {
		return nil, err
	}
	perShard := j.Spec.Shards > 1
	entries := make([]archive.Entry, 0, len(files))
	for _, f := range files {
		name := f.Path
		if perShard {
			name = fmt.Sprintf("shard-%d/%s", f.Shard, f.Path)
		}
		entries = append(entries, archive.Entry{Name: name, Size: f.Size, Mode: 0o644, ModTime: j.UpdatedAt,
			Open: func() (io.ReadCloser, error) {
				rc, _, err := a.jobs.OpenOutput(ctx, j.ID, f.Shard, f.Path)
				return rc, err
			}})
	}
	size, err := archive.Size(entries)
	if err != nil {
		return nil, err
	}
	key, err := seal.NewKey()
	if err != nil {
		return nil, err
	}
	wrapped, err := seal.WrapKey(recipient, key)
	if err != nil {
		return nil, gateway.BadRequest(err)
	}
	pr, pw := io.Pipe()
	go func() {
		sw := seal.NewWriter(pw, key)
		err := archive.Write(sw, entries)
		if err == nil {
			err = sw.Close()
		}
		_ = pw.CloseWithError(err)
	}()
	o, err := a.b.Put(ctx, broker.PutRequest{Owner: owner, Name: "job-" + j.ID + "/", Size: size,
		WrappedKey: wrapped, Duration: PublishedFor}, pr)
	_ = pr.CloseWithError(errors.New("publish ended"))
	if err != nil {
		return nil, storageError(err)
	}
	return a.view(o, a.b.Online(ctx)), nil
}
