package merkle

import "github.com/opensky-network/opensky/internal/storage"

// Builder computes a tree's root from its leaves one at a time, holding
// one hash per set bit of the leaf count: the roots of the complete
// subtrees seen so far, largest first. Its zero value is an empty tree.
type Builder struct {
	n     int64
	stack [MaxDepth]storage.Hash
	top   int
}

// Add appends a leaf.
func (b *Builder) Add(leaf storage.Hash) {
	h := leaf
	// Each trailing one bit of n is a complete subtree of the same size
	// as the one h now roots: merge them.
	for c := b.n; c&1 == 1; c >>= 1 {
		b.top--
		h = node(&b.stack[b.top], &h)
	}
	b.stack[b.top] = h
	b.top++
	b.n++
}

// Len is the number of leaves added.
func (b *Builder) Len() int64 { return b.n }

// Root returns the root of the leaves added so far, the same as Root of
// them (the zero Hash for none). The Builder can go on taking leaves.
func (b *Builder) Root() storage.Hash {
	if b.top == 0 {
		return storage.Hash{}
	}
	h := b.stack[b.top-1]
	for i := b.top - 2; i >= 0; i-- {
		h = node(&b.stack[i], &h)
	}
	return h
}
