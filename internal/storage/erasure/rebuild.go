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

// Rebuild regenerates the shards named in targets, data or parity, from k
// good sources, and writes each target shard's pieces in order to its
// writer. Sources of target shards are not read. Sources are chosen and
// checked as in Decode. Each rebuilt shard's root is checked against
// roots[i]: a mismatch is an error wrapping storage.ErrCorrupt, found
// only once all its pieces were written, so a caller keeps what it wrote
// only when Rebuild returns nil. Writers are written concurrently, one
// batch at a time; a writer's error names its shard.
func Rebuild(ctx context.Context, l storage.Layout, cipherLen int64, roots []storage.Hash, sources []Source, targets map[int]io.Writer, opts ...Option) error {
	if len(targets) == 0 {
		return errors.New("erasure: rebuild of no shards")
	}
	skip := make(map[int]bool, len(targets))
	idx := make([]int, 0, len(targets))
	for i, w := range targets {
		if i < 0 || i >= l.Shards() {
			return fmt.Errorf("erasure: rebuild target %d is outside layout %s", i, l)
		}
		if w == nil {
			return fmt.Errorf("erasure: rebuild target %d has no writer", i)
		}
		skip[i] = true
		idx = append(idx, i)
	}
	f, err := newFetcher(ctx, l, cipherLen, roots, sources, skip, collect(opts))
	if err != nil {
		return err
	}
	defer f.close()
	rs, err := newCoder(l)
	if err != nil {
		return err
	}
	trees := make([]merkle.Builder, l.Shards())
	hashers := make([]merkle.LeafHasher, l.Shards())
	shards := make([][]byte, l.Shards())
	required := make([]bool, l.Shards())
	for _, i := range idx {
		required[i] = true
	}
	errs := make([]error, l.Shards())
	for first := int64(0); first < f.pieces; {
		if err := ctx.Err(); err != nil {
			return err
		}
		count := f.batch(first)
		if err := f.read(ctx, first, count); err != nil {
			return err
		}
		size := count * storage.PieceSize
		for i := range shards {
			switch {
			case f.isActive(i):
				shards[i] = f.bufs[i][:size]
			case required[i]:
				shards[i] = f.buf(i)[:0]
			default:
				shards[i] = nil
			}
		}
		if rs != nil {
			if err := rs.ReconstructSome(shards, required); err != nil {
				return fmt.Errorf("erasure: reconstruct pieces %d-%d: %w", first, first+int64(count)-1, err)
			}
		}
		var wg sync.WaitGroup
		for _, i := range idx {
			wg.Go(func() {
				for p := shards[i]; len(p) > 0; p = p[storage.PieceSize:] {
					trees[i].Add(hashers[i].Leaf(p[:storage.PieceSize]))
				}
				if _, err := targets[i].Write(shards[i]); err != nil {
					errs[i] = fmt.Errorf("erasure: rebuilt shard %d: %w", i, err)
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		first += int64(count)
	}
	for _, i := range idx {
		if got := trees[i].Root(); got != roots[i] {
			return fmt.Errorf("erasure: rebuilt shard %d has root %s, want %s: %w", i, got, roots[i], storage.ErrCorrupt)
		}
	}
	return nil
}
