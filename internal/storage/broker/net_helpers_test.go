package broker_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/seal"
	"github.com/opensky-network/opensky/internal/storage/storagenet"
)

// object is one uploaded test object: its plaintext's size and hash, and
// its key.
type object struct {
	cid  string
	size int64
	sum  [32]byte
	key  seal.Key
}

// put uploads size bytes from a generator seeded with seed.
func put(ctx context.Context, b *broker.Broker, size int64, seed uint64, l storage.Layout) (object, error) {
	h := sha256.New()
	o, key, err := storagenet.Put(ctx, b, io.TeeReader(newGen(seed), h), size, l)
	if err != nil {
		return object{}, err
	}
	obj := object{cid: o.CID, size: size, key: key}
	copy(obj.sum[:], h.Sum(nil))
	return obj, nil
}

// get reads an object back and checks it is the one uploaded. It returns
// how many plaintext bytes came out.
func get(ctx context.Context, b *broker.Broker, o object) (int64, error) {
	h := sha256.New()
	got, err := storagenet.Get(ctx, b, o.cid, o.key, h)
	if err != nil {
		return got, err
	}
	if got != o.size || [32]byte(h.Sum(nil)) != o.sum {
		return got, fmt.Errorf("object %s read back different bytes (%d of %d)", o.cid, got, o.size)
	}
	return got, nil
}

// gen is a fast deterministic byte stream.
type gen struct{ r *mrand.ChaCha8 }

func newGen(seed uint64) *gen {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &gen{r: mrand.NewChaCha8(s)}
}

func (g *gen) Read(p []byte) (int, error) { return g.r.Read(p) }
