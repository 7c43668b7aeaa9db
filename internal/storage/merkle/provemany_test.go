package merkle

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

func TestProveManyMatchesProve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 8, 13, 64, 100, 1000} {
		leaves := make([]storage.Hash, n)
		for i := range leaves {
			leaves[i] = Leaf([]byte{byte(i), byte(i >> 8)})
		}
		indices := []int64{0, int64(n - 1)}
		for range 20 {
			indices = append(indices, rng.Int64N(int64(n)))
		}
		got, err := ProveMany(leaves, indices)
		if err != nil {
			t.Fatal(err)
		}
		root := Root(leaves)
		for k, i := range indices {
			want, _ := Prove(leaves, i)
			if !slices.Equal(got[k], want) || !Verify(root, int64(n), i, leaves[i], got[k]) {
				t.Fatalf("n=%d leaf %d: ProveMany %x, Prove %x", n, i, got[k], want)
			}
		}
	}
	if _, err := ProveMany(make([]storage.Hash, 3), []int64{3}); err == nil {
		t.Fatal("an index out of range was proved")
	}
}
