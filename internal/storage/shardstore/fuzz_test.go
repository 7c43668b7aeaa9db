package shardstore

import (
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// FuzzDecodeMeta checks that a meta file is either refused or describes a
// valid shard that encodes back to the same file.
func FuzzDecodeMeta(f *testing.F) {
	good, err := encodeMeta(storage.ShardInfo{ID: storage.ShardID{Object: "bafkqaaa2345", Index: 3}, Pieces: 7,
		Root: storage.Hash{1, 2, 3}}, "12D3KooWpeer")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		info, owner, err := decodeMeta(b)
		if err != nil {
			return
		}
		if info.ID.Validate() != nil || info.Pieces < 1 || info.Pieces > maxPieces || len(owner) > MaxOwnerLen {
			t.Fatalf("accepted an invalid shard %+v owned by %q", info, owner)
		}
		again, err := encodeMeta(info, owner)
		if err != nil {
			t.Fatal(err)
		}
		info2, owner2, err := decodeMeta(again)
		if err != nil || info2 != info || owner2 != owner {
			t.Fatalf("re-encoded meta %q decodes to %+v %q, %v", again, info2, owner2, err)
		}
	})
}
