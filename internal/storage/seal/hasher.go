package seal

import (
	"errors"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// Hasher computes an object's CID from its ciphertext stream: written in
// pieces of any size, it cuts the stream at sealed-chunk boundaries and
// adds each chunk's merkle.Leaf to a merkle.Builder, holding no chunk and
// O(log n) hashes. The zero value is ready to use.
type Hasher struct {
	leaf    merkle.LeafHasher
	tree    merkle.Builder
	inChunk int // bytes of the current chunk written
	total   int64
	chunk   int // plaintext bytes per chunk; 0 means ChunkSize
	sum     string
	err     error
	done    bool
}

// errHasherDone is returned for a Write after Sum.
var errHasherDone = errors.New("seal: write to a Hasher after Sum")

// Write adds p to the ciphertext. It fails only after Sum.
func (h *Hasher) Write(p []byte) (int, error) {
	if h.done {
		return 0, errHasherDone
	}
	sealed := h.chunkSize() + Overhead
	n := len(p)
	h.total += int64(n)
	for len(p) > 0 {
		c := min(len(p), sealed-h.inChunk)
		h.leaf.Write(p[:c])
		h.inChunk += c
		p = p[c:]
		if h.inChunk == sealed {
			h.tree.Add(h.leaf.Sum())
			h.inChunk = 0
		}
	}
	return n, nil
}

// Sum ends the stream and returns its CID (ObjectCID of its length and
// chunk root). A length no plaintext seals to gives ErrLength. Sum may
// be called again for the same answer; Write may not.
func (h *Hasher) Sum() (cid string, err error) {
	if !h.done {
		h.done = true
		h.sum, h.err = h.finish()
	}
	return h.sum, h.err
}

// finish closes the last chunk and names the stream.
func (h *Hasher) finish() (string, error) {
	if _, err := plainLen(h.total, h.chunkSize()); err != nil {
		return "", err
	}
	if h.inChunk > 0 {
		h.tree.Add(h.leaf.Sum())
	}
	return ObjectCID(h.total, h.tree.Root()), nil
}

// Len is the ciphertext bytes written so far.
func (h *Hasher) Len() int64 { return h.total }

// chunkSize is the plaintext chunk size the stream was sealed with.
func (h *Hasher) chunkSize() int {
	if h.chunk == 0 {
		return ChunkSize
	}
	return h.chunk
}

// ChunkRoot returns the Merkle root over the chunks of a whole ciphertext
// held in memory, the root ObjectCID takes; for tests and small objects.
func ChunkRoot(ciphertext []byte) storage.Hash {
	var b merkle.Builder
	for len(ciphertext) > 0 {
		c := min(len(ciphertext), ChunkSize+Overhead)
		b.Add(merkle.Leaf(ciphertext[:c]))
		ciphertext = ciphertext[c:]
	}
	return b.Root()
}
