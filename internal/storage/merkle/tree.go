package merkle

import (
	"errors"
	"math/bits"

	"github.com/opensky-network/opensky/internal/storage"
)

// MaxDepth bounds a proof: a tree of fewer than 2^63 leaves is at most 63
// levels deep, and Verify refuses longer paths.
const MaxDepth = 64

// ErrIndex is returned by Prove for a leaf index outside the tree.
var ErrIndex = errors.New("merkle: leaf index out of range")

// split returns the largest power of two smaller than n, for n > 1.
func split(n int64) int64 {
	return int64(1) << (bits.Len64(uint64(n-1)) - 1)
}

// Root returns the root of the tree over leaves. The root of one leaf is
// that leaf. An empty tree has no root: Root returns the zero Hash, which
// no non-empty tree has in practice.
func Root(leaves []storage.Hash) storage.Hash {
	var b Builder
	for i := range leaves {
		b.Add(leaves[i])
	}
	return b.Root()
}

// Prove returns the path of sibling hashes that proves leaf i of leaves,
// ordered from the leaf's sibling up to the root's children.
func Prove(leaves []storage.Hash, i int64) ([]storage.Hash, error) {
	paths, err := ProveMany(leaves, []int64{i})
	if err != nil {
		return nil, err
	}
	return paths[0], nil
}

// Verify reports whether path proves that leaf is leaf i of a tree of n
// leaves with the given root. It refuses n < 1, i outside [0, n), and
// paths longer than MaxDepth or of the wrong length for (n, i).
//
// A path proves a position by its shape (which side each sibling is on),
// as in RFC 6962: for another tree size whose path to leaf i has the same
// shape, the same hashes verify. Callers take n from what they trust (the
// shard's recorded piece count), never from the prover.
func Verify(root storage.Hash, n, i int64, leaf storage.Hash, path []storage.Hash) bool {
	if n < 1 || i < 0 || i >= n || len(path) > MaxDepth {
		return false
	}
	// Walk up from the leaf: fn is the node's index at its level, sn the
	// last index at that level. A right child, or a left child that is
	// the last node of its level, is hashed with a left sibling; a last
	// node with no sibling rises unchanged until it becomes a right child.
	fn, sn := uint64(i), uint64(n-1)
	r := leaf
	for k := range path {
		if sn == 0 {
			return false
		}
		if fn&1 == 1 || fn == sn {
			r = node(&path[k], &r)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = node(&r, &path[k])
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && r == root
}
