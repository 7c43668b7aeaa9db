package merkle

import (
	"crypto/sha256"
	"hash"

	"github.com/opensky-network/opensky/internal/storage"
)

// Domain prefixes of the two kinds of hashed node.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// Leaf returns the leaf hash of a piece: SHA-256(0x00 || piece).
func Leaf(piece []byte) storage.Hash {
	var lh LeafHasher
	return lh.Leaf(piece)
}

// node returns the hash of an inner node: SHA-256(0x01 || left || right).
func node(left, right *storage.Hash) storage.Hash {
	var b [1 + 2*len(storage.Hash{})]byte
	b[0] = nodePrefix
	copy(b[1:], left[:])
	copy(b[1+len(left):], right[:])
	return sha256.Sum256(b[:])
}

// LeafHasher computes leaf hashes, either of a whole piece (Leaf) or of a
// piece fed in parts (Write, then Sum), reusing one hash state so that it
// does not allocate per leaf. The zero value is ready to use; a
// LeafHasher is not safe for concurrent use.
type LeafHasher struct {
	h       hash.Hash
	sum     storage.Hash
	started bool
}

// leafPrefixBytes is leafPrefix as a slice, shared so that writing it
// does not allocate.
var leafPrefixBytes = []byte{leafPrefix}

// Write adds p to the piece whose leaf Sum returns next. It never fails.
func (l *LeafHasher) Write(p []byte) (int, error) {
	l.start()
	return l.h.Write(p)
}

// Sum returns the leaf hash of the bytes written since the last Sum (of
// an empty piece if none were) and starts a new piece.
func (l *LeafHasher) Sum() storage.Hash {
	l.start()
	l.h.Sum(l.sum[:0])
	l.started = false
	return l.sum
}

// Leaf returns the leaf hash of piece. Bytes written and not yet summed
// are discarded first.
func (l *LeafHasher) Leaf(piece []byte) storage.Hash {
	l.started = false
	l.Write(piece)
	return l.Sum()
}

// start opens a new leaf if none is open.
func (l *LeafHasher) start() {
	if l.started {
		return
	}
	if l.h == nil {
		l.h = sha256.New()
	} else {
		l.h.Reset()
	}
	l.h.Write(leafPrefixBytes)
	l.started = true
}
