package storetest

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"math/rand/v2"
	"strings"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// Shard is a shard's bytes with what a store should say about them.
type Shard struct {
	Info   storage.ShardInfo // Root set
	Data   []byte
	Leaves []storage.Hash
}

// Object returns a valid object CID string derived from seed.
func Object(seed uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	sum := sha256.Sum256(b[:])
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])
	return "bafk" + strings.ToLower(enc)
}

// NewShard returns shard index of object with pieces pieces of
// pseudo-random bytes drawn from seed.
func NewShard(object string, index int, pieces int64, seed uint64) Shard {
	data := make([]byte, pieces*storage.PieceSize)
	rng := rand.New(rand.NewPCG(seed, uint64(index)))
	for i := 0; i+8 <= len(data); i += 8 {
		binary.LittleEndian.PutUint64(data[i:], rng.Uint64())
	}
	leaves := make([]storage.Hash, pieces)
	for i := range leaves {
		leaves[i] = merkle.Leaf(data[int64(i)*storage.PieceSize : int64(i+1)*storage.PieceSize])
	}
	return Shard{
		Info:   storage.ShardInfo{ID: storage.ShardID{Object: object, Index: index}, Pieces: pieces, Root: merkle.Root(leaves)},
		Data:   data,
		Leaves: leaves,
	}
}

// Piece returns piece i's bytes.
func (s Shard) Piece(i int64) []byte {
	return s.Data[i*storage.PieceSize : (i+1)*storage.PieceSize]
}

// Unrooted is s's info without the root, for a Put that computes it.
func (s Shard) Unrooted() storage.ShardInfo {
	info := s.Info
	info.Root = storage.Hash{}
	return info
}
