package storage

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Hash is a SHA-256 digest: a piece's leaf, a Merkle node or root.
type Hash [32]byte

// String is the lowercase hex of h.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is unset.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText encodes h as hex, so JSON carries it as a string.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash reads 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("storage: %q is not a 32-byte hex hash", s)
	}
	copy(h[:], b)
	return h, nil
}

// ShardID names one shard of one stored object: the object's key on the
// providers (a lowercase base32 string starting with "b", like a CIDv1;
// the broker picks a random one per upload, since the content's CID is
// known only once the upload ends) and the shard's index in its layout
// (data shards first).
type ShardID struct {
	Object string `json:"object"`
	Index  int    `json:"index"`
}

// String is "<cid>/<index>".
func (id ShardID) String() string { return id.Object + "/" + strconv.Itoa(id.Index) }

// Validate checks that id can name a file on a provider's disk: the CID is
// a lowercase base32 CIDv1 string and the index is in range.
func (id ShardID) Validate() error {
	if len(id.Object) < 8 || len(id.Object) > 128 || id.Object[0] != 'b' {
		return fmt.Errorf("storage: shard object %q is not a CIDv1", id.Object)
	}
	for _, c := range id.Object {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return fmt.Errorf("storage: shard object %q is not a base32 CIDv1", id.Object)
		}
	}
	if id.Index < 0 || id.Index >= MaxShards {
		return fmt.Errorf("storage: shard index %d out of range", id.Index)
	}
	return nil
}

// ParseShardID reads "<cid>/<index>".
func ParseShardID(s string) (ShardID, error) {
	obj, idx, ok := strings.Cut(s, "/")
	if !ok {
		return ShardID{}, fmt.Errorf("storage: shard %q: want <cid>/<index>", s)
	}
	i, err := strconv.Atoi(idx)
	if err != nil {
		return ShardID{}, fmt.Errorf("storage: shard %q: want <cid>/<index>", s)
	}
	id := ShardID{Object: obj, Index: i}
	return id, id.Validate()
}

// ShardInfo describes a stored shard: Pieces pieces of PieceSize bytes,
// and the Merkle root over them (merkle.Root of the pieces' leaves).
type ShardInfo struct {
	ID     ShardID `json:"id"`
	Pieces int64   `json:"pieces"`
	Root   Hash    `json:"root"`
}

// Size is the shard's bytes.
func (s ShardInfo) Size() int64 { return s.Pieces * PieceSize }

// Proof answers one challenge: the challenged piece's bytes and the
// Merkle path from its leaf to the shard's root (merkle.Prove).
type Proof struct {
	Index int64  `json:"index"`
	Piece []byte `json:"piece"`
	Path  []Hash `json:"path"`
}

// Errors a ShardStore returns; callers test them with errors.Is.
var (
	// ErrShardNotFound: the store has no such shard (never had it, or
	// deleted it).
	ErrShardNotFound = errors.New("storage: shard not found")
	// ErrShardExists: a Put for a shard the store already holds.
	ErrShardExists = errors.New("storage: shard already stored")
	// ErrNoSpace: the store's capacity would be exceeded.
	ErrNoSpace = errors.New("storage: not enough space")
	// ErrCorrupt: bytes do not match the hash that commits to them.
	ErrCorrupt = errors.New("storage: corrupt data")
)

// ShardStore is one provider's store of shards. shardstore.Disk
// implements it on a local directory; shardnet.Client implements it over
// libp2p against a provider serving its Disk. All methods are safe for
// concurrent use.
type ShardStore interface {
	// Put stores shard info.ID, reading exactly info.Pieces*PieceSize
	// bytes from r. It computes the shard's Merkle root as it goes and
	// returns it; when info.Root is set and differs, nothing is kept and
	// the error wraps ErrCorrupt. A Put that fails or is cancelled keeps
	// nothing.
	Put(ctx context.Context, info ShardInfo, r io.Reader) (Hash, error)
	// Read writes count pieces from piece from onward to w, as raw bytes.
	Read(ctx context.Context, id ShardID, from, count int64, w io.Writer) error
	// Leaves returns the leaf hashes of every piece, in order.
	Leaves(ctx context.Context, id ShardID) ([]Hash, error)
	// Prove returns a proof for each challenged piece index, in order.
	Prove(ctx context.Context, id ShardID, indices []int64) ([]Proof, error)
	// Delete removes the shard; deleting a missing shard is not an error.
	Delete(ctx context.Context, id ShardID) error
	// Stat reports a stored shard.
	Stat(ctx context.Context, id ShardID) (ShardInfo, error)
}

// MaxChallenges bounds the indices one Prove call may ask for.
const MaxChallenges = 256

// AuditChallenges is how many pieces one audit of one shard challenges: a
// provider that lost a tenth of a shard's pieces fails an audit with
// probability 1-0.9^44 > 0.99.
const AuditChallenges = 44
