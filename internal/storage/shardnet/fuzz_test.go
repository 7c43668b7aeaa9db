package shardnet

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage"
)

// fuzzKey signs the fuzzed envelopes; a fixed seed keeps runs repeatable.
func fuzzKey(t testing.TB) crypto.PrivKey {
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

// sealRaw signs payload as it stands, canonical or not, in the envelope
// layout package wire documents, so that fuzzed payloads get past the
// signature to the decoders.
func sealRaw(t testing.TB, priv crypto.PrivKey, typ string, payload []byte) []byte {
	field := func(b, f []byte) []byte { return append(binary.AppendUvarint(b, uint64(len(f))), f...) }
	signed := field(field(field(nil, []byte("opensky/wire/1")), []byte(typ)), payload)
	sig, err := priv.Sign(signed)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := priv.GetPublic().Raw()
	if err != nil {
		t.Fatal(err)
	}
	out := append(append([]byte{1}, pub...), sig...)
	return field(field(out, []byte(typ)), payload)
}

// requestTypes and replyTypes are what the fuzz targets decode into,
// indexed by their first argument.
var (
	requestTypes = []func() wire.Message{
		func() wire.Message { return new(PutRequest) },
		func() wire.Message { return new(ReadRequest) },
		func() wire.Message { return new(LeavesRequest) },
		func() wire.Message { return new(ProveRequest) },
		func() wire.Message { return new(StatRequest) },
		func() wire.Message { return new(DeleteRequest) },
		func() wire.Message { return new(PutDone) }, // a reply sent as a request
	}
	replyTypes = []func() wire.Message{
		func() wire.Message { return new(PutReady) },
		func() wire.Message { return new(PutDone) },
		func() wire.Message { return new(ReadReady) },
		func() wire.Message { return new(LeavesReady) },
		func() wire.Message { return new(ProveReply) },
		func() wire.Message { return new(StatReply) },
		func() wire.Message { return new(DeleteReply) },
	}
)

// requestSeeds and replySeeds are valid messages of each kind, keyed by
// their index in requestTypes and replyTypes.
func requestSeeds() map[uint8]wire.Message {
	id := storage.ShardID{Object: "bafkqaaa2345", Index: 3}
	return map[uint8]wire.Message{
		0: &PutRequest{ID: id, Pieces: 7, Root: storage.Hash{1}.String()},
		1: &ReadRequest{ID: id, From: 2, Count: 5},
		2: &LeavesRequest{ID: id},
		3: &ProveRequest{ID: id, Indices: []int64{0, 6, 6}},
		4: &StatRequest{ID: id},
		5: &DeleteRequest{ID: id},
	}
}

func replySeeds() map[uint8]wire.Message {
	return map[uint8]wire.Message{
		0: &PutReady{},
		1: &PutDone{Pieces: 7, Root: storage.Hash{2}.String()},
		2: &ReadReady{Bytes: 5 * storage.PieceSize},
		3: &LeavesReady{Count: 7},
		4: &ProveReply{Proofs: []Proof{{Index: 3, Piece: make([]byte, storage.PieceSize), Path: make([]byte, 2*hashSize)}}},
		5: &StatReply{Pieces: 7, Root: storage.Hash{3}.String()},
		6: &DeleteReply{},
	}
}

func TestSealRawMatchesSeal(t *testing.T) {
	priv := fuzzKey(t)
	for _, m := range requestSeeds() {
		payload, err := wire.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		want, err := wire.Seal(priv, m)
		if err != nil {
			t.Fatal(err)
		}
		if got := sealRaw(t, priv, m.WireType(), payload); !bytes.Equal(got, want) {
			t.Fatalf("sealRaw of %s differs from wire.Seal", m.WireType())
		}
	}
}

// FuzzRequest checks that the provider's request decoder accepts only
// canonical, valid requests, whatever the payload.
func FuzzRequest(f *testing.F) {
	for k, m := range requestSeeds() {
		payload, err := wire.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(k, payload)
	}
	priv := fuzzKey(f)
	f.Fuzz(func(t *testing.T, k uint8, payload []byte) {
		typ := requestTypes[int(k)%len(requestTypes)]().WireType()
		env, err := wire.Parse(sealRaw(t, priv, typ, payload), MaxRequest)
		if err != nil {
			return
		}
		req, err := decodeRequest(env)
		if err != nil {
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("decoded an invalid %s: %v", typ, err)
		}
		if canon, err := wire.Marshal(req); err != nil || !bytes.Equal(canon, payload) {
			t.Fatalf("accepted a non-canonical %s payload %q", typ, payload)
		}
		switch r := req.(type) {
		case *PutRequest:
			if info := r.Info(); info.Size() < storage.PieceSize || r.Root != "" && info.Root.String() != r.Root {
				t.Fatalf("put request %+v gives info %+v", r, info)
			}
		case *ProveRequest:
			if len(r.Indices) > storage.MaxChallenges {
				t.Fatalf("accepted %d challenges", len(r.Indices))
			}
		}
	})
}

// FuzzReply checks that the client's reply checks never let an unsound
// reply through, whatever the payload.
func FuzzReply(f *testing.F) {
	for k, m := range replySeeds() {
		payload, err := wire.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(k, payload)
	}
	priv := fuzzKey(f)
	id := storage.ShardID{Object: "bafkqaaa2345", Index: 0}
	f.Fuzz(func(t *testing.T, k uint8, payload []byte) {
		m := replyTypes[int(k)%len(replyTypes)]()
		env, err := wire.Parse(sealRaw(t, priv, m.WireType(), payload), MaxProveReply)
		if err != nil {
			return
		}
		if err := env.Decode(m); err != nil {
			return
		}
		switch r := m.(type) {
		case *PutDone:
			_, _ = parseHash(r.Root)
		case *LeavesReady:
			_ = checkPieces(r.Count)
		case *StatReply:
			if info, err := r.info(id); err == nil && (info.Pieces < 1 || info.Pieces > MaxPieces || info.Root.String() != r.Root) {
				t.Fatalf("stat reply %+v accepted as %+v", r, info)
			}
		case *ProveReply:
			indices := make([]int64, len(r.Proofs))
			for i, p := range r.Proofs {
				indices[i] = p.Index
			}
			proofs, err := r.proofs(indices)
			if err != nil {
				return
			}
			for _, p := range proofs {
				if len(p.Piece) != storage.PieceSize || len(p.Path) > maxPathLen {
					t.Fatalf("proof of piece %d accepted with %d bytes and a path of %d", p.Index, len(p.Piece), len(p.Path))
				}
			}
		}
	})
}
