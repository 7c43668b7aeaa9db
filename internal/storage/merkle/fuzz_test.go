package merkle

import (
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// FuzzVerify feeds Verify arbitrary trees, indices and paths: it must
// never panic, and it may accept only a path that really proves the leaf.
func FuzzVerify(f *testing.F) {
	leaves := makeLeaves(11)
	path, _ := Prove(leaves, 6)
	var raw []byte
	for _, p := range path {
		raw = append(raw, p[:]...)
	}
	f.Add(int64(11), int64(6), raw)
	f.Add(int64(1), int64(0), []byte{})
	f.Add(int64(0), int64(0), []byte{})
	f.Add(int64(-3), int64(-1), make([]byte, 32*65))
	f.Add(int64(1)<<62, int64(1)<<61, make([]byte, 32*62))
	f.Fuzz(func(t *testing.T, n, i int64, raw []byte) {
		if len(raw) > 32*(MaxDepth+2) {
			raw = raw[:32*(MaxDepth+2)]
		}
		p := make([]storage.Hash, len(raw)/32)
		for k := range p {
			copy(p[k][:], raw[32*k:])
		}
		root := Root(leaves)
		ok := Verify(root, n, i, leaves[6], p)
		if ok && (n != 11 || i != 6) {
			t.Fatalf("accepted leaf 6 of 11 as leaf %d of %d", i, n)
		}
		if ok && len(p) != len(path) {
			t.Fatalf("accepted a path of %d hashes, want %d", len(p), len(path))
		}
		if ok {
			for k := range p {
				if p[k] != path[k] {
					t.Fatalf("accepted a path that differs at %d", k)
				}
			}
		}
	})
}
