package erasure

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// fuzzObject is a small 3+2 object and its honest shards.
type fuzzObject struct {
	ct     []byte
	shards [][]byte
	leaves [][]storage.Hash
	roots  []storage.Hash
}

var fuzzLayout = storage.Layout{Data: 3, Parity: 2}

func fuzzObjects(t testing.TB) []fuzzObject {
	r := rand.New(rand.NewPCG(11, 11))
	stripe := int(fuzzLayout.StripeSize())
	var objs []fuzzObject
	for _, n := range []int{0, 1, stripe + 5, 5 * stripe / 2} {
		ct := randomBytes(r, n)
		shards, roots := encode(t, r, fuzzLayout, ct)
		o := fuzzObject{ct: ct, shards: shards, roots: roots}
		for _, s := range sourcesOf(t, shards) {
			o.leaves = append(o.leaves, s.leaves)
		}
		objs = append(objs, o)
	}
	return objs
}

// fuzzOpSize is the bytes of one mutation: kind and shard, a 24-bit
// position, a value.
const fuzzOpSize = 5

// FuzzDecode is the shard decoder's fuzz target: it damages the shards
// and leaves of a small 3+2 object (flipped bytes, flipped leaves,
// truncated or missing shards) and decodes. Decode must not panic, must
// write only a prefix of the true ciphertext, must write all of it when
// it succeeds, and must succeed when at most two shards were damaged.
func FuzzDecode(f *testing.F) {
	objs := fuzzObjects(f)
	f.Add(byte(0), []byte{})
	f.Add(byte(3), []byte{0, 0, 1, 0, 0xff, 6, 0, 0, 7, 1})
	f.Add(byte(2), []byte{10, 0, 0, 3, 0, 16, 0, 0, 0, 0, 19, 0, 0, 0, 0})
	f.Add(byte(3), []byte{2, 0, 0x40, 0, 4, 8, 0, 0x40, 0, 4, 4, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, which byte, ops []byte) {
		o := objs[int(which)%len(objs)]
		n := len(o.leaves[0])
		shards := make([][]byte, len(o.shards))
		leaves := make([][]storage.Hash, len(o.leaves))
		for i := range shards {
			shards[i] = bytes.Clone(o.shards[i])
			leaves[i] = append([]storage.Hash(nil), o.leaves[i]...)
		}
		gone := make([]bool, len(shards))
		for len(ops) >= fuzzOpSize {
			op := ops[:fuzzOpSize]
			ops = ops[fuzzOpSize:]
			s := int(op[0]) % len(shards)
			pos := int(op[1])<<16 | int(op[2])<<8 | int(op[3])
			switch op[0] / byte(len(shards)) % 4 {
			case 0:
				if len(shards[s]) > 0 {
					shards[s][pos%len(shards[s])] ^= op[4]
				}
			case 1:
				leaves[s][pos%n][pos%32] ^= op[4]
			case 2:
				if len(shards[s]) > 0 {
					shards[s] = shards[s][:pos%len(shards[s])]
				}
			case 3:
				gone[s] = true
			}
		}
		damaged := 0
		sources := make([]Source, len(shards))
		for i := range shards {
			if !gone[i] {
				sources[i] = &memSource{data: shards[i], leaves: leaves[i]}
			}
			same := bytes.Equal(shards[i], o.shards[i])
			for j := range leaves[i] {
				same = same && leaves[i][j] == o.leaves[i][j]
			}
			if gone[i] || !same {
				damaged++
			}
		}
		var out bytes.Buffer
		err := Decode(context.Background(), fuzzLayout, int64(len(o.ct)), o.roots, sources, &out)
		got := out.Bytes()
		if len(got) > len(o.ct) || !bytes.Equal(got, o.ct[:len(got)]) {
			t.Fatalf("wrote %d bytes that are not a prefix of the ciphertext (err %v)", len(got), err)
		}
		if err == nil && len(got) != len(o.ct) {
			t.Fatalf("succeeded with %d of %d bytes", len(got), len(o.ct))
		}
		if err != nil && damaged <= fuzzLayout.Parity {
			t.Fatalf("%d damaged shards, yet: %v", damaged, err)
		}
	})
}
