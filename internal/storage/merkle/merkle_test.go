package merkle

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// refRoot is the recursive definition of the tree hash, written out
// independently of the package's iterative code.
func refRoot(leaves []storage.Hash) storage.Hash {
	switch n := len(leaves); n {
	case 0:
		return storage.Hash{}
	case 1:
		return leaves[0]
	default:
		k := 1
		for k*2 < n {
			k *= 2
		}
		l, r := refRoot(leaves[:k]), refRoot(leaves[k:])
		return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
	}
}

func makeLeaves(n int) []storage.Hash {
	leaves := make([]storage.Hash, n)
	for i := range leaves {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], uint64(i))
		leaves[i] = Leaf(b[:])
	}
	return leaves
}

func TestLeafDefinition(t *testing.T) {
	piece := []byte("a piece of ciphertext")
	want := sha256.Sum256(append([]byte{0}, piece...))
	if got := Leaf(piece); got != want {
		t.Fatalf("Leaf = %s, want SHA-256(0x00 || piece) = %x", got, want)
	}
	var lh LeafHasher
	lh.Write(piece[:5])
	lh.Write(piece[5:])
	if got := lh.Sum(); got != storage.Hash(want) {
		t.Fatalf("LeafHasher in parts = %s, want %x", got, want)
	}
	if got, want := lh.Sum(), Leaf(nil); got != want {
		t.Fatalf("LeafHasher after Sum = %s, want the empty leaf %s", got, want)
	}
	lh.Write([]byte("left over"))
	if got := lh.Leaf(piece); got != storage.Hash(want) {
		t.Fatalf("Leaf after an unsummed Write = %s, want %x", got, want)
	}
}

// TestKnownRoots pins the tree shape on small trees written out by hand.
func TestKnownRoots(t *testing.T) {
	l := makeLeaves(3)
	h := func(a, b storage.Hash) storage.Hash {
		return sha256.Sum256(append(append([]byte{1}, a[:]...), b[:]...))
	}
	if got := Root(l[:1]); got != l[0] {
		t.Errorf("root of one leaf = %s, want the leaf", got)
	}
	if got, want := Root(l[:2]), h(l[0], l[1]); got != want {
		t.Errorf("root of two = %s, want %s", got, want)
	}
	if got, want := Root(l), h(h(l[0], l[1]), l[2]); got != want {
		t.Errorf("root of three = %s, want %s", got, want)
	}
	if got := Root(nil); !got.IsZero() {
		t.Errorf("root of none = %s, want zero", got)
	}
}

func sizes(t *testing.T) []int {
	t.Helper()
	var ns []int
	for n := 1; n <= 70; n++ {
		ns = append(ns, n)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		ns = append(ns, 71+r.IntN(3000))
	}
	return append(ns, 1024, 1025, 4095)
}

func TestRootAndBuilder(t *testing.T) {
	for _, n := range sizes(t) {
		leaves := makeLeaves(n)
		want := refRoot(leaves)
		if got := Root(leaves); got != want {
			t.Fatalf("n=%d: Root = %s, want %s", n, got, want)
		}
		var b Builder
		for i, l := range leaves {
			b.Add(l)
			if int64(i+1) != b.Len() {
				t.Fatalf("n=%d: Len = %d after %d adds", n, b.Len(), i+1)
			}
		}
		if got := b.Root(); got != want {
			t.Fatalf("n=%d: Builder.Root = %s, want %s", n, got, want)
		}
	}
	var b Builder
	if !b.Root().IsZero() {
		t.Fatal("empty Builder has a non-zero root")
	}
}

func TestProveVerify(t *testing.T) {
	for _, n := range sizes(t) {
		leaves := makeLeaves(n)
		root := Root(leaves)
		nn := int64(n)
		// Every proof of the small trees, a sample of the large ones.
		step := 1
		if n > 70 {
			step = n/37 + 1
		}
		for i := 0; i < n; i += step {
			ii := int64(i)
			path, err := Prove(leaves, ii)
			if err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			if !Verify(root, nn, ii, leaves[i], path) {
				t.Fatalf("n=%d i=%d: valid proof rejected", n, i)
			}
			checkRejects(t, root, nn, ii, leaves, path)
		}
	}
}

// checkRejects asserts that every single change to a valid proof fails.
func checkRejects(t *testing.T, root storage.Hash, n, i int64, leaves []storage.Hash, path []storage.Hash) {
	t.Helper()
	leaf := leaves[i]
	if i+1 < n && leaves[i+1] != leaf && Verify(root, n, i+1, leaf, path) {
		t.Fatalf("n=%d i=%d: accepted at index i+1", n, i)
	}
	if i > 0 && Verify(root, n, i-1, leaf, path) {
		t.Fatalf("n=%d i=%d: accepted at index i-1", n, i)
	}
	// A wrong tree size fails unless its path for i has the same shape,
	// when the hashes computed are the same ones (see Verify).
	for _, m := range []int64{n - 1, n + 1, 2 * n, n + 7} {
		if m > i && Verify(root, m, i, leaf, path) && shape(m, i) != shape(n, i) {
			t.Fatalf("n=%d i=%d: accepted with n=%d", n, i, m)
		}
	}
	bad := leaf
	bad[i%32] ^= 1 << (i % 8)
	if Verify(root, n, i, bad, path) {
		t.Fatalf("n=%d i=%d: accepted a flipped leaf", n, i)
	}
	badRoot := root
	badRoot[31] ^= 0x80
	if Verify(badRoot, n, i, leaf, path) {
		t.Fatalf("n=%d i=%d: accepted a flipped root", n, i)
	}
	for k := range path {
		p := append([]storage.Hash(nil), path...)
		p[k][(k*7)%32] ^= 1 << (k % 8)
		if Verify(root, n, i, leaf, p) {
			t.Fatalf("n=%d i=%d: accepted a flipped path[%d]", n, i, k)
		}
	}
	if len(path) > 0 && Verify(root, n, i, leaf, path[:len(path)-1]) {
		t.Fatalf("n=%d i=%d: accepted a short path", n, i)
	}
	if Verify(root, n, i, leaf, append(path[:len(path):len(path)], root)) {
		t.Fatalf("n=%d i=%d: accepted a long path", n, i)
	}
}

// shape returns the sides of the siblings on the path of leaf i of n,
// from the root down: 'L' for a left sibling, 'R' for a right one.
func shape(n, i int64) string {
	if n == 1 {
		return ""
	}
	k := int64(1)
	for k*2 < n {
		k *= 2
	}
	if i < k {
		return "R" + shape(k, i)
	}
	return "L" + shape(n-k, i-k)
}

func TestVerifyBounds(t *testing.T) {
	leaves := makeLeaves(5)
	root := Root(leaves)
	path, _ := Prove(leaves, 2)
	for _, tc := range []struct {
		name string
		n, i int64
	}{{"n=0", 0, 0}, {"n<0", -1, 0}, {"i<0", 5, -1}, {"i=n", 5, 5}} {
		if Verify(root, tc.n, tc.i, leaves[2], path) {
			t.Errorf("%s accepted", tc.name)
		}
	}
	long := make([]storage.Hash, MaxDepth+1)
	if Verify(root, 5, 2, leaves[2], long) {
		t.Error("path longer than MaxDepth accepted")
	}
	if _, err := Prove(leaves, 5); err == nil {
		t.Error("Prove out of range succeeded")
	}
	if _, err := Prove(leaves, -1); err == nil {
		t.Error("Prove of -1 succeeded")
	}
	if _, err := Prove(nil, 0); err == nil {
		t.Error("Prove on an empty tree succeeded")
	}
	// One leaf: the empty path proves it.
	if !Verify(leaves[0], 1, 0, leaves[0], nil) {
		t.Error("single-leaf tree: empty path rejected")
	}
}

func BenchmarkLeaf(b *testing.B) {
	piece := make([]byte, storage.PieceSize)
	var lh LeafHasher
	b.SetBytes(int64(len(piece)))
	b.ReportAllocs()
	for b.Loop() {
		lh.Leaf(piece)
	}
}
