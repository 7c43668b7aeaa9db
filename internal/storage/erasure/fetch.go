package erasure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// fetcher reads verified pieces from k chosen sources, batch by batch,
// replacing a source that fails by a spare.
type fetcher struct {
	l        storage.Layout
	pieces   int64
	perBatch int
	sources  []Source
	leaves   [][]storage.Hash // per shard, once checked against its root
	active   []int            // the k shards read from
	spares   []int            // good shards not read yet, data first
	readers  []io.ReadCloser
	bufs     [][]byte // per shard, one batch of pieces
	hashers  []merkle.LeafHasher
	reasons  []error // why shards were set aside, by shard order of events
	onBad    func(int, error)
}

// newFetcher checks the arguments shared by Decode and Rebuild, fetches
// the leaves of every source not in skip, and chooses k good shards,
// preferring data shards.
func newFetcher(ctx context.Context, l storage.Layout, cipherLen int64, roots []storage.Hash, sources []Source, skip map[int]bool, o options) (*fetcher, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if cipherLen < 0 {
		return nil, fmt.Errorf("erasure: negative ciphertext length %d", cipherLen)
	}
	n := l.Shards()
	if len(roots) != n || len(sources) != n {
		return nil, fmt.Errorf("erasure: layout %s needs %d roots and sources, got %d and %d", l, n, len(roots), len(sources))
	}
	f := &fetcher{
		l: l, pieces: l.Pieces(cipherLen), sources: sources,
		leaves: make([][]storage.Hash, n), readers: make([]io.ReadCloser, n),
		bufs: make([][]byte, n), hashers: make([]merkle.LeafHasher, n),
		onBad: o.onBad,
	}
	f.perBatch = stripesPerBatch(l, f.pieces)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, s := range sources {
		if s == nil || skip[i] {
			continue
		}
		wg.Go(func() { f.leaves[i], errs[i] = f.checkLeaves(ctx, s, roots[i]) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, s := range sources {
		switch {
		case skip[i]:
		case s == nil:
			f.reasons = append(f.reasons, fmt.Errorf("shard %d: %w", i, errUnavailable))
		case errs[i] != nil:
			f.setAside(i, errs[i])
		case len(f.active) < l.Data:
			f.active = append(f.active, i)
		default:
			f.spares = append(f.spares, i)
		}
	}
	if len(f.active) < l.Data {
		return nil, f.tooFew()
	}
	return f, nil
}

// checkLeaves fetches a source's leaves and checks them against root.
func (f *fetcher) checkLeaves(ctx context.Context, s Source, root storage.Hash) ([]storage.Hash, error) {
	leaves, err := s.Leaves(ctx)
	switch {
	case err != nil:
		return nil, fmt.Errorf("leaves: %w", err)
	case int64(len(leaves)) != f.pieces:
		return nil, fmt.Errorf("%w: %d leaves, want %d", storage.ErrCorrupt, len(leaves), f.pieces)
	case merkle.Root(leaves) != root:
		return nil, fmt.Errorf("%w: leaves do not match the shard's root", storage.ErrCorrupt)
	}
	return leaves, nil
}

// setAside records why shard i is not used and tells the caller.
func (f *fetcher) setAside(i int, err error) {
	f.reasons = append(f.reasons, fmt.Errorf("shard %d: %w", i, err))
	if f.onBad != nil {
		f.onBad(i, err)
	}
}

// tooFew is the error for running out of good shards.
func (f *fetcher) tooFew() error {
	return &tooFewError{need: f.l.Data, total: f.l.Shards(), usable: len(f.active) + len(f.spares), reasons: f.reasons}
}

// batch returns the number of pieces in the batch that starts at piece
// first.
func (f *fetcher) batch(first int64) int {
	return int(min(int64(f.perBatch), f.pieces-first))
}

// read fills the buffers of the active shards with pieces [first,
// first+count), each checked against its leaf. Active shards are read
// concurrently; one that fails is dropped and replaced by spares, read
// from first, until k shards have the batch or none are left.
func (f *fetcher) read(ctx context.Context, first int64, count int) error {
	errs := make([]error, len(f.active))
	var wg sync.WaitGroup
	for a, i := range f.active {
		wg.Go(func() { errs[a] = f.fill(ctx, i, first, count) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	kept := f.active[:0]
	for a, i := range f.active {
		if errs[a] != nil {
			f.drop(i, errs[a])
			continue
		}
		kept = append(kept, i)
	}
	f.active = kept
	for len(f.active) < f.l.Data {
		if len(f.spares) == 0 {
			return f.tooFew()
		}
		i := f.spares[0]
		f.spares = f.spares[1:]
		if err := f.fill(ctx, i, first, count); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			f.drop(i, err)
			continue
		}
		f.active = append(f.active, i)
	}
	return nil
}

// fill reads pieces [first, first+count) of shard i into its buffer and
// checks each against its leaf.
func (f *fetcher) fill(ctx context.Context, i int, first int64, count int) error {
	if f.readers[i] == nil {
		rc, err := f.sources[i].Open(ctx, first)
		if err != nil {
			return fmt.Errorf("open at piece %d: %w", first, err)
		}
		f.readers[i] = rc
	}
	buf := f.buf(i)[:count*storage.PieceSize]
	if _, err := io.ReadFull(f.readers[i], buf); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("read pieces %d-%d: %w", first, first+int64(count)-1, err)
	}
	for j := range count {
		piece := buf[j*storage.PieceSize : (j+1)*storage.PieceSize]
		if f.hashers[i].Leaf(piece) != f.leaves[i][first+int64(j)] {
			return fmt.Errorf("piece %d: %w", first+int64(j), storage.ErrCorrupt)
		}
	}
	return nil
}

// buf returns shard i's batch buffer, allocating it the first time.
func (f *fetcher) buf(i int) []byte {
	if f.bufs[i] == nil {
		f.bufs[i] = make([]byte, f.perBatch*storage.PieceSize)
	}
	return f.bufs[i]
}

// drop closes shard i's stream and sets it aside for good.
func (f *fetcher) drop(i int, err error) {
	if f.readers[i] != nil {
		f.readers[i].Close()
		f.readers[i] = nil
	}
	f.setAside(i, err)
}

// isActive reports whether shard i is read from.
func (f *fetcher) isActive(i int) bool {
	for _, a := range f.active {
		if a == i {
			return true
		}
	}
	return false
}

// close closes every open stream.
func (f *fetcher) close() {
	for i, r := range f.readers {
		if r != nil {
			r.Close()
			f.readers[i] = nil
		}
	}
}
