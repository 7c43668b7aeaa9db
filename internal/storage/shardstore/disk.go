package shardstore

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"

	"github.com/opensky-network/opensky/internal/storage"
)

// hashSize is the bytes of one stored leaf hash.
const hashSize = len(storage.Hash{})

// maxPieces keeps a shard's footprint within an int64.
const maxPieces = math.MaxInt64 / (storage.PieceSize + int64(hashSize))

// Permissions of what a Disk creates.
const (
	dirMode  = 0o700
	fileMode = 0o600
)

// ErrOutOfRange: a Read or Prove asked for pieces the shard does not have,
// or for none.
var ErrOutOfRange = errors.New("shardstore: pieces out of range")

// Disk is a storage.ShardStore on a local directory. It is safe for
// concurrent use.
type Disk struct {
	dir      string
	capacity int64
	log      *slog.Logger
	lock     *os.File

	mu sync.RWMutex
	// shards maps an object's CID to its shards by index. A shard being
	// put is there already, pending, so that its name and its space are
	// taken.
	shards map[string]map[int]*entry
	used   int64
}

// entry is one shard the Disk holds or is putting.
type entry struct {
	info    storage.ShardInfo
	owner   string
	pending bool
}

var _ storage.ShardStore = (*Disk)(nil)

// Option configures a Disk.
type Option func(*Disk)

// WithLogger sets where the Disk logs (default: discarded).
func WithLogger(l *slog.Logger) Option {
	return func(d *Disk) {
		if l != nil {
			d.log = l
		}
	}
}

// Open opens the store in dir, creating the directory if needed, with
// room for capacity bytes of shards and their leaves. It takes a lock on
// the directory, recovers the shards stored there and removes what
// interrupted Puts left behind; shards already stored count against
// capacity even beyond it.
func Open(dir string, capacity int64, opts ...Option) (*Disk, error) {
	if capacity < 0 {
		return nil, fmt.Errorf("shardstore: negative capacity %d", capacity)
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("shardstore: open %s: %w", dir, err)
	}
	d := &Disk{dir: dir, capacity: capacity, log: slog.New(slog.DiscardHandler),
		shards: make(map[string]map[int]*entry)}
	for _, o := range opts {
		o(d)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	d.lock = lock
	if err := d.recover(); err != nil {
		_ = d.Close()
		return nil, err
	}
	d.log.Info("shard store opened", "dir", dir, "shards", d.count(), "used", d.used, "capacity", capacity)
	return d, nil
}

// lockDir takes an exclusive lock on dir's LOCK file, so that two
// processes never share a store.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("shardstore: lock %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("shardstore: %s is in use by another store: %w", dir, err)
	}
	return f, nil
}

// Close releases the directory. The Disk must not be used afterwards.
func (d *Disk) Close() error {
	if d.lock == nil {
		return nil
	}
	err := d.lock.Close() // closing the file drops the lock
	d.lock = nil
	if err != nil {
		return fmt.Errorf("shardstore: close: %w", err)
	}
	return nil
}

// Capacity is the bytes the store may hold.
func (d *Disk) Capacity() int64 { return d.capacity }

// Used is the bytes stored or reserved by Puts in progress.
func (d *Disk) Used() int64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.used
}

// Free is the bytes a Put may still take.
func (d *Disk) Free() int64 { return max(0, d.capacity-d.Used()) }

// List returns the stored shards, ordered by object and index.
func (d *Disk) List() ([]storage.ShardInfo, error) {
	d.mu.RLock()
	var out []storage.ShardInfo
	for _, byIndex := range d.shards {
		for _, e := range byIndex {
			if !e.pending {
				out = append(out, e.info)
			}
		}
	}
	d.mu.RUnlock()
	slices.SortFunc(out, func(a, b storage.ShardInfo) int {
		if a.ID.Object != b.ID.Object {
			if a.ID.Object < b.ID.Object {
				return -1
			}
			return 1
		}
		return a.ID.Index - b.ID.Index
	})
	return out, nil
}

// count is the number of shards held, pending ones included.
func (d *Disk) count() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := 0
	for _, byIndex := range d.shards {
		n += len(byIndex)
	}
	return n
}

// footprint is the bytes a shard of that many pieces takes: its pieces
// and its leaves.
func footprint(pieces int64) int64 { return pieces * (storage.PieceSize + int64(hashSize)) }

// paths of one shard's files.
func (d *Disk) objectDir(id storage.ShardID) string { return filepath.Join(d.dir, id.Object) }

func (d *Disk) path(id storage.ShardID, ext string) string {
	return filepath.Join(d.dir, id.Object, strconv.Itoa(id.Index)+ext)
}

// Extensions of a shard's files.
const (
	extShard  = ".shard"
	extLeaves = ".leaves"
	extMeta   = ".meta"
	extTemp   = ".tmp"
)

// lookup returns the committed shard id, or ErrShardNotFound. The caller
// holds d.mu.
func (d *Disk) lookup(id storage.ShardID) (*entry, error) {
	if e := d.shards[id.Object][id.Index]; e != nil && !e.pending {
		return e, nil
	}
	return nil, fmt.Errorf("%w: %s", storage.ErrShardNotFound, id)
}

// open returns the committed shard id and one of its files opened for
// reading, so that a concurrent Delete cannot swap it out in between.
func (d *Disk) open(id storage.ShardID, ext string) (storage.ShardInfo, *os.File, error) {
	if err := id.Validate(); err != nil {
		return storage.ShardInfo{}, nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, err := d.lookup(id)
	if err != nil {
		return storage.ShardInfo{}, nil, err
	}
	f, err := os.Open(d.path(id, ext))
	if err != nil {
		return storage.ShardInfo{}, nil, fmt.Errorf("shardstore: open %s: %w", id, err)
	}
	return e.info, f, nil
}

// readFull reads len(b) bytes of shard id's file f at off, calling a
// short file corrupt.
func readFull(id storage.ShardID, f *os.File, b []byte, off int64) error {
	if _, err := f.ReadAt(b, off); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: %s %s is truncated", storage.ErrCorrupt, id, filepath.Ext(f.Name()))
		}
		return fmt.Errorf("shardstore: read %s: %w", id, err)
	}
	return nil
}
