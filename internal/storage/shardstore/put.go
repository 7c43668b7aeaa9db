package shardstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// writebackStep is how many bytes of a shard a Put writes before it has
// the kernel start writing them to disk.
const writebackStep = 4 << 20

// Put implements storage.ShardStore. The shard records no owner.
func (d *Disk) Put(ctx context.Context, info storage.ShardInfo, r io.Reader) (storage.Hash, error) {
	return d.PutOwned(ctx, info, "", r)
}

// PutOwned is Put recording owner, at most MaxOwnerLen bytes, with the
// shard; Owner reports it. It takes the shard's space before reading
// anything from r, so a Put that cannot succeed (ErrShardExists,
// ErrNoSpace) fails without touching r. A second Put of a shard while the
// first is in progress fails with ErrShardExists. Cancelling ctx stops
// the Put between pieces; unblocking a read of r is the caller's
// business.
func (d *Disk) PutOwned(ctx context.Context, info storage.ShardInfo, owner string, r io.Reader) (storage.Hash, error) {
	if err := info.ID.Validate(); err != nil {
		return storage.Hash{}, err
	}
	if info.Pieces < 1 {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: %d pieces", info.ID, info.Pieces)
	}
	if len(owner) > MaxOwnerLen {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: owner of %d bytes, limit %d", info.ID, len(owner), MaxOwnerLen)
	}
	if err := ctx.Err(); err != nil {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", info.ID, err)
	}
	if err := d.reserve(info, owner); err != nil {
		return storage.Hash{}, err
	}
	root, err := d.write(ctx, info, owner, r)
	if err != nil {
		d.removeFiles(info.ID, true)
		d.release(info.ID)
		return storage.Hash{}, err
	}
	d.mu.Lock()
	e := d.shards[info.ID.Object][info.ID.Index]
	e.info.Root, e.pending = root, false
	d.mu.Unlock()
	d.log.Debug("shard stored", "shard", info.ID, "pieces", info.Pieces, "root", root)
	return root, nil
}

// reserve takes the shard's name and space.
func (d *Disk) reserve(info storage.ShardInfo, owner string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	byIndex := d.shards[info.ID.Object]
	if byIndex[info.ID.Index] != nil {
		return fmt.Errorf("%w: %s", storage.ErrShardExists, info.ID)
	}
	if info.Pieces > maxPieces || footprint(info.Pieces) > d.capacity-d.used {
		return fmt.Errorf("%w: %s needs %d bytes, %d of %d free", storage.ErrNoSpace, info.ID,
			footprint(min(info.Pieces, maxPieces)), max(0, d.capacity-d.used), d.capacity)
	}
	if byIndex == nil {
		byIndex = make(map[int]*entry)
		d.shards[info.ID.Object] = byIndex
	}
	byIndex[info.ID.Index] = &entry{info: info, owner: owner, pending: true}
	d.used += footprint(info.Pieces)
	return nil
}

// release forgets the pending shard id after a failed Put and gives its
// space back, removing its object's directory when nothing else of the
// object is left.
func (d *Disk) release(id storage.ShardID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.forget(id)
}

// forget drops shard id from the index and gives its space back. The
// caller holds d.mu for writing; the directory goes under the lock so that
// no Put of the same object is between creating it and its files.
func (d *Disk) forget(id storage.ShardID) {
	byIndex := d.shards[id.Object]
	e := byIndex[id.Index]
	if e == nil {
		return
	}
	delete(byIndex, id.Index)
	d.used -= footprint(e.info.Pieces)
	if len(byIndex) == 0 {
		delete(d.shards, id.Object)
		_ = os.Remove(d.objectDir(id)) // fails, harmlessly, if other files are left
	}
}

// write streams the shard into temporary files and renames them into
// place, returning the root.
func (d *Disk) write(ctx context.Context, info storage.ShardInfo, owner string, r io.Reader) (storage.Hash, error) {
	id := info.ID
	created := false
	if err := os.Mkdir(d.objectDir(id), dirMode); err == nil {
		created = true
	} else if !errors.Is(err, fs.ErrExist) {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	root, err := d.writeTemp(ctx, info, r)
	if err != nil {
		return storage.Hash{}, err
	}
	info.Root = root
	m, err := encodeMeta(info, owner)
	if err != nil {
		return storage.Hash{}, err
	}
	if err := writeSynced(d.path(id, extMeta+extTemp), m); err != nil {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	// The meta file goes last: once it is in place the shard is stored.
	for _, ext := range []string{extShard, extLeaves, extMeta} {
		if err := os.Rename(d.path(id, ext+extTemp), d.path(id, ext)); err != nil {
			return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", id, err)
		}
	}
	if err := syncDir(d.objectDir(id)); err != nil {
		return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	if created {
		if err := syncDir(d.dir); err != nil {
			return storage.Hash{}, fmt.Errorf("shardstore: put %s: %w", id, err)
		}
	}
	return root, nil
}

// writeTemp copies the pieces from r into the temporary shard file and
// their leaves into the temporary leaves file, both synced, holding one
// piece in memory.
func (d *Disk) writeTemp(ctx context.Context, info storage.ShardInfo, r io.Reader) (root storage.Hash, err error) {
	id := info.ID
	sf, err := os.OpenFile(d.path(id, extShard+extTemp), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return root, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	defer closeInto(sf, &err)
	lf, err := os.OpenFile(d.path(id, extLeaves+extTemp), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return root, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	defer closeInto(lf, &err)
	lw := bufio.NewWriter(lf)

	// Pieces arrive, are hashed and are written a batch at a time, so a
	// shard costs one write call per batch rather than per piece.
	const batch = 64 // pieces: 1 MiB
	var (
		buf     = make([]byte, min(batch, info.Pieces)*storage.PieceSize)
		hasher  merkle.LeafHasher
		tree    merkle.Builder
		written int64
	)
	for i := int64(0); i < info.Pieces; {
		if err := ctx.Err(); err != nil {
			return root, fmt.Errorf("shardstore: put %s: %w", id, err)
		}
		n := min(batch, info.Pieces-i)
		chunk := buf[:n*storage.PieceSize]
		if k, err := io.ReadFull(r, chunk); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return root, fmt.Errorf("shardstore: put %s: data ends after %d of %d bytes: %w",
					id, written+int64(k), info.Size(), io.ErrUnexpectedEOF)
			}
			return root, fmt.Errorf("shardstore: put %s: read: %w", id, err)
		}
		for off := 0; off < len(chunk); off += storage.PieceSize {
			leaf := hasher.Leaf(chunk[off : off+storage.PieceSize])
			tree.Add(leaf)
			if _, err := lw.Write(leaf[:]); err != nil {
				return root, fmt.Errorf("shardstore: put %s: %w", id, err)
			}
		}
		if _, err := sf.Write(chunk); err != nil {
			return root, fmt.Errorf("shardstore: put %s: %w", id, err)
		}
		before := written
		written += int64(len(chunk))
		if step := written / writebackStep; step > before/writebackStep {
			startWriteback(sf, (step-1)*writebackStep, writebackStep)
		}
		i += n
	}
	if err := ctx.Err(); err != nil {
		return root, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	root = tree.Root()
	if !info.Root.IsZero() && root != info.Root {
		return storage.Hash{}, fmt.Errorf("%w: shard %s has root %s, want %s", storage.ErrCorrupt, id, root, info.Root)
	}
	if err := lw.Flush(); err != nil {
		return root, fmt.Errorf("shardstore: put %s: %w", id, err)
	}
	for _, f := range []*os.File{sf, lf} {
		if err := f.Sync(); err != nil {
			return root, fmt.Errorf("shardstore: put %s: %w", id, err)
		}
	}
	return root, nil
}

// removeFiles deletes shard id's files, temporary ones too when temp is
// set; the caller holds the shard's name.
func (d *Disk) removeFiles(id storage.ShardID, temp bool) {
	// The meta file first: without it the rest is garbage to Open.
	for _, ext := range []string{extMeta, extShard, extLeaves} {
		if err := os.Remove(d.path(id, ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			d.log.Warn("removing shard file", "shard", id, "file", ext, "err", err)
		}
		if temp {
			_ = os.Remove(d.path(id, ext+extTemp))
		}
	}
}

// writeSynced writes b to a new file at path and syncs it.
func writeSynced(path string, b []byte) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return err
	}
	defer closeInto(f, &err)
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir makes renames and new entries in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// closeInto closes f, keeping the first error in *err.
func closeInto(f *os.File, err *error) {
	if cerr := f.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}
