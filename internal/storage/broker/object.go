package broker

import (
	"time"

	"github.com/opensky-network/opensky/internal/storage"
)

// Shard states.
const (
	// ShardOK: stored, and the last audit (if any) passed.
	ShardOK = "ok"
	// ShardFailing: the last audit failed; the shard counts as lost for
	// repair once its provider failed FailLimit audits in a row, or at
	// once when the provider says it does not have it.
	ShardFailing = "failing"
	// ShardLost: the shard must be rebuilt elsewhere.
	ShardLost = "lost"
)

// Object is what the broker keeps about one stored object: its manifest
// (layout, sizes, shard roots, the wrapped key) and where its shards are.
type Object struct {
	CID string `json:"cid"`
	// Key names the object's shards on the providers (storage.ShardID).
	Key   string `json:"key"`
	Owner string `json:"owner,omitempty"`
	Name  string `json:"name,omitempty"`
	// Size is the plaintext's bytes, CipherLen the ciphertext's.
	Size      int64          `json:"size"`
	CipherLen int64          `json:"cipherLen"`
	Layout    storage.Layout `json:"layout"`
	// WrappedKey is the object key wrapped to the owner's account
	// (seal.WrapKey); only the owner can unwrap it.
	WrappedKey []byte      `json:"wrappedKey"`
	Shards     []Placement `json:"shards"`
	// Deal is the storage deal on the chain that pays for the object;
	// empty on a network without one.
	Deal      string    `json:"deal,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt,omitempty"`
	LastAudit time.Time `json:"lastAudit,omitempty"`
	Repairs   int       `json:"repairs,omitempty"`
}

// Placement is one shard of an object and the provider holding it.
type Placement struct {
	Index int `json:"index"`
	// Peer is the provider's peer ID; Account the chain account that
	// registered it (empty without a chain).
	Peer    string       `json:"peer"`
	Account string       `json:"account,omitempty"`
	Root    storage.Hash `json:"root"`
	State   string       `json:"state"`
	// PricePerGBMonth is what the provider asked when the shard was
	// placed, in micro-USD.
	PricePerGBMonth int64 `json:"pricePerGbMonth,omitempty"`
	// Audits counts audits passed; Failures audits failed in a row.
	Audits    int       `json:"audits"`
	Failures  int       `json:"failures,omitempty"`
	LastAudit time.Time `json:"lastAudit,omitempty"`
	LastError string    `json:"lastError,omitempty"`
}

// roots returns the shard roots in layout order.
func (o *Object) roots() []storage.Hash {
	r := make([]storage.Hash, o.Layout.Shards())
	for _, p := range o.Shards {
		r[p.Index] = p.Root
	}
	return r
}

// shardID names shard i of the object on a provider.
func (o *Object) shardID(i int) storage.ShardID { return storage.ShardID{Object: o.Key, Index: i} }

// shardInfo describes shard i for a Put.
func (o *Object) shardInfo(i int) storage.ShardInfo {
	return storage.ShardInfo{ID: o.shardID(i), Pieces: o.Layout.Pieces(o.CipherLen), Root: o.Shards[i].Root}
}

// holders is the set of peers holding a shard of the object.
func (o *Object) holders() map[string]bool {
	m := make(map[string]bool, len(o.Shards))
	for _, p := range o.Shards {
		m[p.Peer] = true
	}
	return m
}

// Health is how many of the object's shards are stored on live providers
// and not known lost, out of how many.
type Health struct {
	Live  int `json:"live"`
	Total int `json:"total"`
	// Readable: at least Layout.Data shards are live.
	Readable bool `json:"readable"`
}
