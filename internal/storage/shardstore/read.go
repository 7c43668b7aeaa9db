package shardstore

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// readChunk is how many bytes Read moves at a time.
const readChunk = 16 * storage.PieceSize

// Read implements storage.ShardStore. It refuses a range outside the shard
// or of no pieces with ErrOutOfRange, and stops between chunks when ctx
// ends.
func (d *Disk) Read(ctx context.Context, id storage.ShardID, from, count int64, w io.Writer) error {
	info, f, err := d.open(id, extShard)
	if err != nil {
		return err
	}
	defer f.Close()
	if from < 0 || count < 1 || from >= info.Pieces || count > info.Pieces-from {
		return fmt.Errorf("%w: pieces [%d, +%d) of %s's %d", ErrOutOfRange, from, count, id, info.Pieces)
	}
	if err := checkSize(id, f, info.Size()); err != nil {
		return err
	}
	buf := make([]byte, min(readChunk, count*storage.PieceSize))
	off, end := from*storage.PieceSize, (from+count)*storage.PieceSize
	for off < end {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("shardstore: read %s: %w", id, err)
		}
		b := buf[:min(int64(len(buf)), end-off)]
		if err := readFull(id, f, b, off); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("shardstore: read %s: %w", id, err)
		}
		off += int64(len(b))
	}
	return nil
}

// Leaves implements storage.ShardStore.
func (d *Disk) Leaves(ctx context.Context, id storage.ShardID) ([]storage.Hash, error) {
	info, f, err := d.open(id, extLeaves)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("shardstore: leaves of %s: %w", id, err)
	}
	return readLeaves(info, f)
}

// readLeaves reads all of a shard's leaves from its leaves file.
func readLeaves(info storage.ShardInfo, f *os.File) ([]storage.Hash, error) {
	want := info.Pieces * int64(hashSize)
	if err := checkSize(info.ID, f, want); err != nil {
		return nil, err
	}
	b := make([]byte, want)
	if err := readFull(info.ID, f, b, 0); err != nil {
		return nil, err
	}
	leaves := make([]storage.Hash, info.Pieces)
	for i := range leaves {
		copy(leaves[i][:], b[i*hashSize:])
	}
	return leaves, nil
}

// checkSize calls shard id's file f corrupt unless it has size bytes.
func checkSize(id storage.ShardID, f *os.File, size int64) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("shardstore: %s: %w", id, err)
	}
	if fi.Size() != size {
		return fmt.Errorf("%w: %s%s has %d bytes, want %d", storage.ErrCorrupt, id, filepath.Ext(f.Name()), fi.Size(), size)
	}
	return nil
}

// Prove implements storage.ShardStore. It refuses more than
// storage.MaxChallenges indices, none, or one out of range
// (ErrOutOfRange), and reports a challenged piece whose bytes no longer
// match its leaf as ErrCorrupt rather than send a proof that fails.
func (d *Disk) Prove(ctx context.Context, id storage.ShardID, indices []int64) ([]storage.Proof, error) {
	if len(indices) < 1 || len(indices) > storage.MaxChallenges {
		return nil, fmt.Errorf("%w: %d challenges, want 1 to %d", ErrOutOfRange, len(indices), storage.MaxChallenges)
	}
	info, sf, lf, err := d.openBoth(id)
	if err != nil {
		return nil, err
	}
	defer sf.Close()
	defer lf.Close()
	for _, i := range indices {
		if i < 0 || i >= info.Pieces {
			return nil, fmt.Errorf("%w: piece %d of %s's %d", ErrOutOfRange, i, id, info.Pieces)
		}
	}
	leaves, err := readLeaves(info, lf)
	if err != nil {
		return nil, err
	}
	paths, err := merkle.ProveMany(leaves, indices)
	if err != nil {
		return nil, fmt.Errorf("shardstore: prove %s: %w", id, err)
	}
	var hasher merkle.LeafHasher
	proofs := make([]storage.Proof, len(indices))
	for k, i := range indices {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("shardstore: prove %s: %w", id, err)
		}
		piece := make([]byte, storage.PieceSize)
		if err := readFull(id, sf, piece, i*storage.PieceSize); err != nil {
			return nil, err
		}
		if hasher.Leaf(piece) != leaves[i] {
			return nil, fmt.Errorf("%w: piece %d of %s does not match its leaf", storage.ErrCorrupt, i, id)
		}
		proofs[k] = storage.Proof{Index: i, Piece: piece, Path: paths[k]}
	}
	return proofs, nil
}

// openBoth opens a shard's pieces and leaves under one look-up.
func (d *Disk) openBoth(id storage.ShardID) (storage.ShardInfo, *os.File, *os.File, error) {
	if err := id.Validate(); err != nil {
		return storage.ShardInfo{}, nil, nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, err := d.lookup(id)
	if err != nil {
		return storage.ShardInfo{}, nil, nil, err
	}
	sf, err := os.Open(d.path(id, extShard))
	if err != nil {
		return storage.ShardInfo{}, nil, nil, fmt.Errorf("shardstore: open %s: %w", id, err)
	}
	lf, err := os.Open(d.path(id, extLeaves))
	if err != nil {
		_ = sf.Close()
		return storage.ShardInfo{}, nil, nil, fmt.Errorf("shardstore: open %s: %w", id, err)
	}
	return e.info, sf, lf, nil
}

// Stat implements storage.ShardStore.
func (d *Disk) Stat(_ context.Context, id storage.ShardID) (storage.ShardInfo, error) {
	if err := id.Validate(); err != nil {
		return storage.ShardInfo{}, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, err := d.lookup(id)
	if err != nil {
		return storage.ShardInfo{}, err
	}
	return e.info, nil
}

// Owner returns the owner PutOwned recorded for a stored shard, "" for
// none.
func (d *Disk) Owner(_ context.Context, id storage.ShardID) (string, error) {
	if err := id.Validate(); err != nil {
		return "", err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, err := d.lookup(id)
	if err != nil {
		return "", err
	}
	return e.owner, nil
}

// Delete implements storage.ShardStore. A shard whose Put is still in
// progress is not stored yet, so Delete leaves it alone.
func (d *Disk) Delete(_ context.Context, id storage.ShardID) error {
	if err := id.Validate(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := d.lookup(id); err != nil {
		return nil
	}
	// Under the lock, so that a new Put of the same shard cannot rename
	// its files into place before these are gone.
	d.removeFiles(id, false)
	d.forget(id)
	d.log.Debug("shard deleted", "shard", id)
	return nil
}
