package erasure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

func TestRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct {
		l       storage.Layout
		size    int
		targets []int
	}{
		{storage.DefaultLayout, 3<<20 + 5, []int{0, 5, 11, 13}},
		{storage.DefaultLayout, 1, []int{10}},
		{storage.Layout{Data: 3, Parity: 2}, 0, []int{1, 4}},
		{storage.Layout{Data: 3, Parity: 2}, 200000, []int{0, 1}},
	} {
		ct := randomBytes(r, tc.size)
		shards, roots := encode(t, r, tc.l, ct)
		out := map[int]*bytes.Buffer{}
		targets := map[int]io.Writer{}
		for _, i := range tc.targets {
			out[i] = new(bytes.Buffer)
			targets[i] = out[i]
		}
		// The targets' own sources are there but hold garbage: Rebuild
		// must not read them.
		ms := sourcesOf(t, shards)
		for _, i := range tc.targets {
			ms[i].openErr = errors.New("must not be read")
		}
		if err := Rebuild(context.Background(), tc.l, int64(len(ct)), roots, asSources(ms), targets); err != nil {
			t.Fatalf("%s %d %v: %v", tc.l, tc.size, tc.targets, err)
		}
		for i, b := range out {
			if !bytes.Equal(b.Bytes(), shards[i]) {
				t.Fatalf("%s %d: rebuilt shard %d differs", tc.l, tc.size, i)
			}
			_, root, _ := ShardLeaves(bytes.NewReader(b.Bytes()), tc.l.Pieces(int64(len(ct))))
			if root != roots[i] {
				t.Fatalf("rebuilt shard %d has another root", i)
			}
		}
	}
}

func TestRebuildErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, 100000)
	shards, roots := encode(t, r, l, ct)
	ctx := context.Background()
	n := int64(len(ct))

	// A wrong root for the target: the rebuilt shard does not match it.
	wrong := append([]storage.Hash(nil), roots...)
	wrong[4][0] ^= 1
	err := Rebuild(ctx, l, n, wrong, asSources(sourcesOf(t, shards)), map[int]io.Writer{4: io.Discard})
	wantCorrupt(t, err)
	if !strings.Contains(err.Error(), "shard 4") {
		t.Errorf("err %q does not name shard 4", err)
	}
	// A target writer's error names the shard.
	err = Rebuild(ctx, l, n, roots, asSources(sourcesOf(t, shards)), map[int]io.Writer{3: errWriter{}})
	if err == nil || !strings.Contains(err.Error(), "shard 3") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	// Too few sources once the targets are left out.
	err = Rebuild(ctx, l, n, roots, asSources(sourcesOf(t, shards), 0), map[int]io.Writer{1: io.Discard, 2: io.Discard})
	if !errors.Is(err, ErrTooFewShards) {
		t.Fatalf("err = %v", err)
	}
	for name, targets := range map[string]map[int]io.Writer{
		"none": {}, "out of range": {5: io.Discard}, "negative": {-1: io.Discard}, "nil writer": {0: nil},
	} {
		if err := Rebuild(ctx, l, n, roots, asSources(sourcesOf(t, shards)), targets); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
