package merkle

import (
	"fmt"
	"slices"

	"github.com/opensky-network/opensky/internal/storage"
)

// ProveMany returns Prove's path for each of indices, in order, hashing
// the tree once: an audit of k pieces of a shard of n costs O(n) hashes
// instead of O(k·n).
func ProveMany(leaves []storage.Hash, indices []int64) ([][]storage.Hash, error) {
	n := int64(len(leaves))
	for _, i := range indices {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%w: leaf %d of %d", ErrIndex, i, n)
		}
	}
	want := slices.Clone(indices)
	slices.Sort(want)
	want = slices.Compact(want)
	paths := make(map[int64][]storage.Hash, len(want))
	proveRange(leaves, 0, want, paths)
	out := make([][]storage.Hash, len(indices))
	for k, i := range indices {
		out[k] = slices.Clone(paths[i])
	}
	return out, nil
}

// proveRange hashes the subtree over leaves (whose first leaf has index
// base) and appends, to the path of every wanted index in it, the
// siblings on its way up; it returns the subtree's root. want is sorted.
func proveRange(leaves []storage.Hash, base int64, want []int64, paths map[int64][]storage.Hash) storage.Hash {
	n := int64(len(leaves))
	if n == 1 {
		return leaves[0]
	}
	if len(want) == 0 {
		return Root(leaves)
	}
	k := split(n)
	cut, _ := slices.BinarySearch(want, base+k)
	left := proveRange(leaves[:k], base, want[:cut], paths)
	right := proveRange(leaves[k:], base+k, want[cut:], paths)
	for _, i := range want[:cut] {
		paths[i] = append(paths[i], right)
	}
	for _, i := range want[cut:] {
		paths[i] = append(paths[i], left)
	}
	return node(&left, &right)
}
