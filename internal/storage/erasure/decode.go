package erasure

import (
	"context"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
)

// Decode writes the cipherLen bytes of ciphertext of an object in layout
// l to w, reading from sources, where sources[i] serves shard i and is nil
// when that shard is unavailable; roots[i] is shard i's trusted root.
//
// Sources whose leaves do not match their root, or number other than
// l.Pieces(cipherLen), are set aside. Of the rest, k are read (data shards
// first, so that an object with all its data shards needs no
// Reed-Solomon), batch by batch, every piece checked against its leaf; a
// source that fails or serves a bad piece is replaced by a spare opened
// at the same place. Only checked bytes, or bytes computed from them,
// reach w. With fewer than k good shards the error wraps ErrTooFewShards
// and names every shard set aside and why.
func Decode(ctx context.Context, l storage.Layout, cipherLen int64, roots []storage.Hash, sources []Source, w io.Writer, opts ...Option) error {
	f, err := newFetcher(ctx, l, cipherLen, roots, sources, nil, collect(opts))
	if err != nil {
		return err
	}
	defer f.close()
	rs, err := newCoder(l)
	if err != nil {
		return err
	}
	shards := make([][]byte, l.Shards())
	remaining := cipherLen
	for first := int64(0); first < f.pieces; {
		if err := ctx.Err(); err != nil {
			return err
		}
		count := f.batch(first)
		if err := f.read(ctx, first, count); err != nil {
			return err
		}
		size := count * storage.PieceSize
		missing := false
		for i := range shards {
			switch {
			case f.isActive(i):
				shards[i] = f.bufs[i][:size]
			case i < l.Data:
				shards[i] = f.buf(i)[:0]
				missing = true
			default:
				shards[i] = nil
			}
		}
		if missing {
			if err := rs.ReconstructData(shards); err != nil {
				return fmt.Errorf("erasure: reconstruct pieces %d-%d: %w", first, first+int64(count)-1, err)
			}
		}
		for s := range count {
			for i := range l.Data {
				if remaining == 0 {
					break
				}
				piece := shards[i][s*storage.PieceSize : (s+1)*storage.PieceSize]
				piece = piece[:min(int64(len(piece)), remaining)]
				if _, err := w.Write(piece); err != nil {
					return fmt.Errorf("erasure: write ciphertext: %w", err)
				}
				remaining -= int64(len(piece))
			}
		}
		first += int64(count)
	}
	return nil
}
