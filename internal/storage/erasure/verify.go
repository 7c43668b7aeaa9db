package erasure

import (
	"errors"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// maxLeavesPrealloc bounds the leaves ShardLeaves reserves before it has
// read the pieces they stand for.
const maxLeavesPrealloc = 1 << 16

// ShardLeaves reads exactly pieces pieces of a shard from r and returns
// their leaves and root, the way a store checks a shard it is given.
// Fewer bytes give an error wrapping io.ErrUnexpectedEOF.
func ShardLeaves(r io.Reader, pieces int64) ([]storage.Hash, storage.Hash, error) {
	if pieces < 1 {
		return nil, storage.Hash{}, fmt.Errorf("erasure: a shard has at least one piece, not %d", pieces)
	}
	leaves := make([]storage.Hash, 0, min(pieces, maxLeavesPrealloc))
	var lh merkle.LeafHasher
	piece := make([]byte, storage.PieceSize)
	for j := range pieces {
		if _, err := io.ReadFull(r, piece); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, storage.Hash{}, fmt.Errorf("erasure: piece %d of %d: %w", j, pieces, err)
		}
		leaves = append(leaves, lh.Leaf(piece))
	}
	return leaves, merkle.Root(leaves), nil
}
