package shardnet

import (
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// Protocol is the storage protocol's ID.
const Protocol = "/opensky/storage/1.0.0"

// Bounds of what the protocol carries.
const (
	// MaxRequest bounds a request envelope; the largest, a ProveRequest
	// of storage.MaxChallenges indices, takes about 5 KiB.
	MaxRequest = 16 << 10
	// MaxReply bounds a header or small reply envelope.
	MaxReply = 64 << 10
	// MaxProveReply bounds a ProveReply envelope: MaxChallenges pieces in
	// base64 with their paths.
	MaxProveReply = 8 << 20
	// MaxPieces bounds the pieces of one shard (16 GiB).
	MaxPieces = 1 << 20
	// maxPathLen bounds a proof's path, in hashes.
	maxPathLen = merkle.MaxDepth
)

// PutRequest opens a put: Pieces*PieceSize raw bytes follow once the
// provider answers PutReady. Root, when set, is the root the data must
// have.
type PutRequest struct {
	ID     storage.ShardID `json:"id"`
	Pieces int64           `json:"pieces"`
	Root   string          `json:"root,omitempty"`
}

// PutReady tells the client the provider took the shard's space and
// waits for its bytes.
type PutReady struct{}

// PutDone tells the client the shard is stored, with the root the
// provider computed.
type PutDone struct {
	Pieces int64  `json:"pieces"`
	Root   string `json:"root"`
}

// ReadRequest asks for Count pieces from piece From on.
type ReadRequest struct {
	ID    storage.ShardID `json:"id"`
	From  int64           `json:"from"`
	Count int64           `json:"count"`
}

// ReadReady announces the Bytes raw bytes that follow.
type ReadReady struct {
	Bytes int64 `json:"bytes"`
}

// LeavesRequest asks for a shard's leaf hashes.
type LeavesRequest struct {
	ID storage.ShardID `json:"id"`
}

// LeavesReady announces the Count 32-byte hashes that follow.
type LeavesReady struct {
	Count int64 `json:"count"`
}

// ProveRequest challenges pieces of a shard.
type ProveRequest struct {
	ID      storage.ShardID `json:"id"`
	Indices []int64         `json:"indices"`
}

// ProveReply answers a ProveRequest, one proof per index, in order.
type ProveReply struct {
	Proofs []Proof `json:"proofs"`
}

// Proof is a storage.Proof on the wire: Path is the sibling hashes
// concatenated.
type Proof struct {
	Index int64  `json:"index"`
	Piece []byte `json:"piece"`
	Path  []byte `json:"path"`
}

// StatRequest asks about a stored shard.
type StatRequest struct {
	ID storage.ShardID `json:"id"`
}

// StatReply describes a stored shard.
type StatReply struct {
	Pieces int64  `json:"pieces"`
	Root   string `json:"root"`
}

// DeleteRequest asks the provider to drop a shard.
type DeleteRequest struct {
	ID storage.ShardID `json:"id"`
}

// DeleteReply says the shard is gone (or never was there).
type DeleteReply struct{}

func (PutRequest) WireType() string    { return "storage-put/1" }
func (PutReady) WireType() string      { return "storage-put-ready/1" }
func (PutDone) WireType() string       { return "storage-put-done/1" }
func (ReadRequest) WireType() string   { return "storage-read/1" }
func (ReadReady) WireType() string     { return "storage-read-ready/1" }
func (LeavesRequest) WireType() string { return "storage-leaves/1" }
func (LeavesReady) WireType() string   { return "storage-leaves-ready/1" }
func (ProveRequest) WireType() string  { return "storage-prove/1" }
func (ProveReply) WireType() string    { return "storage-proofs/1" }
func (StatRequest) WireType() string   { return "storage-stat/1" }
func (StatReply) WireType() string     { return "storage-stat-reply/1" }
func (DeleteRequest) WireType() string { return "storage-delete/1" }
func (DeleteReply) WireType() string   { return "storage-deleted/1" }

// Validate checks a put request.
func (r *PutRequest) Validate() error {
	if err := r.ID.Validate(); err != nil {
		return err
	}
	if err := checkPieces(r.Pieces); err != nil {
		return err
	}
	if r.Root != "" {
		if _, err := parseHash(r.Root); err != nil {
			return err
		}
	}
	return nil
}

// Info is the shard the request puts.
func (r *PutRequest) Info() storage.ShardInfo {
	info := storage.ShardInfo{ID: r.ID, Pieces: r.Pieces}
	if r.Root != "" {
		info.Root, _ = parseHash(r.Root)
	}
	return info
}

// Validate checks a read request's range as far as it can without the
// shard: the provider checks it against the shard's pieces.
func (r *ReadRequest) Validate() error {
	if err := r.ID.Validate(); err != nil {
		return err
	}
	if r.From < 0 || r.From >= MaxPieces || r.Count < 1 || r.Count > MaxPieces-r.From {
		return fmt.Errorf("shardnet: read of pieces [%d, +%d) is out of range", r.From, r.Count)
	}
	return nil
}

// Validate checks a leaves request.
func (r *LeavesRequest) Validate() error { return r.ID.Validate() }

// Validate checks a prove request.
func (r *ProveRequest) Validate() error {
	if err := r.ID.Validate(); err != nil {
		return err
	}
	if len(r.Indices) < 1 || len(r.Indices) > storage.MaxChallenges {
		return fmt.Errorf("shardnet: %d challenges, want 1 to %d", len(r.Indices), storage.MaxChallenges)
	}
	for _, i := range r.Indices {
		if i < 0 || i >= MaxPieces {
			return fmt.Errorf("shardnet: challenge of piece %d is out of range", i)
		}
	}
	return nil
}

// Validate checks a stat request.
func (r *StatRequest) Validate() error { return r.ID.Validate() }

// Validate checks a delete request.
func (r *DeleteRequest) Validate() error { return r.ID.Validate() }

// proofs turns a reply into the proofs of indices, checking that it
// answers exactly them with pieces and paths of sound sizes.
func (r *ProveReply) proofs(indices []int64) ([]storage.Proof, error) {
	if len(r.Proofs) != len(indices) {
		return nil, fmt.Errorf("%d proofs for %d challenges", len(r.Proofs), len(indices))
	}
	out := make([]storage.Proof, len(r.Proofs))
	for k, p := range r.Proofs {
		if p.Index != indices[k] {
			return nil, fmt.Errorf("proof %d answers piece %d, not %d", k, p.Index, indices[k])
		}
		if len(p.Piece) != storage.PieceSize {
			return nil, fmt.Errorf("proof %d carries %d bytes of piece", k, len(p.Piece))
		}
		if len(p.Path)%hashSize != 0 || len(p.Path)/hashSize > maxPathLen {
			return nil, fmt.Errorf("proof %d carries a path of %d bytes", k, len(p.Path))
		}
		path := make([]storage.Hash, len(p.Path)/hashSize)
		for j := range path {
			copy(path[j][:], p.Path[j*hashSize:])
		}
		out[k] = storage.Proof{Index: p.Index, Piece: p.Piece, Path: path}
	}
	return out, nil
}

// wireProofs turns proofs into their wire form.
func wireProofs(proofs []storage.Proof) *ProveReply {
	r := &ProveReply{Proofs: make([]Proof, len(proofs))}
	for k, p := range proofs {
		path := make([]byte, 0, len(p.Path)*hashSize)
		for _, h := range p.Path {
			path = append(path, h[:]...)
		}
		r.Proofs[k] = Proof{Index: p.Index, Piece: p.Piece, Path: path}
	}
	return r
}

// info turns a stat reply about id into a ShardInfo.
func (r *StatReply) info(id storage.ShardID) (storage.ShardInfo, error) {
	if err := checkPieces(r.Pieces); err != nil {
		return storage.ShardInfo{}, err
	}
	root, err := parseHash(r.Root)
	if err != nil {
		return storage.ShardInfo{}, err
	}
	return storage.ShardInfo{ID: id, Pieces: r.Pieces, Root: root}, nil
}

// hashSize is the bytes of a hash on the wire.
const hashSize = len(storage.Hash{})

// checkPieces accepts a shard's piece count.
func checkPieces(n int64) error {
	if n < 1 || n > MaxPieces {
		return fmt.Errorf("shardnet: shard of %d pieces, want 1 to %d", n, MaxPieces)
	}
	return nil
}

// parseHash reads a hash in its one wire form, 64 lowercase hex digits.
func parseHash(s string) (storage.Hash, error) {
	h, err := storage.ParseHash(s)
	if err != nil {
		return h, err
	}
	if h.String() != s {
		return h, errors.New("shardnet: hash is not lowercase hex")
	}
	return h, nil
}
