package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// memSource serves one shard from memory.
type memSource struct {
	data   []byte
	leaves []storage.Hash
}

func (s memSource) Leaves(context.Context) ([]storage.Hash, error) { return s.leaves, nil }

func (s memSource) Open(_ context.Context, from int64) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(s.data[from*storage.PieceSize:])), nil
}

func sealed(t *testing.T, l storage.Layout, key seal.Key, plain []byte) (Sealed, [][]byte, []erasure.Source) {
	t.Helper()
	bufs := make([]*bytes.Buffer, l.Shards())
	ws := make([]io.Writer, l.Shards())
	for i := range bufs {
		bufs[i] = new(bytes.Buffer)
		ws[i] = bufs[i]
	}
	s, err := Seal(l, key, bytes.NewReader(plain), int64(len(plain)), ws)
	if err != nil {
		t.Fatal(err)
	}
	shards := make([][]byte, len(bufs))
	src := make([]erasure.Source, len(bufs))
	for i, b := range bufs {
		shards[i] = b.Bytes()
		leaves, _, err := erasure.ShardLeaves(bytes.NewReader(shards[i]), l.Pieces(s.CipherLen))
		if err != nil {
			t.Fatal(err)
		}
		src[i] = memSource{data: shards[i], leaves: leaves}
	}
	return s, shards, src
}

func TestSealOpen(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	key, _ := seal.NewKey()
	l := storage.Layout{Data: 4, Parity: 2}
	for _, n := range []int{0, 1, seal.ChunkSize + 3, 3 << 20} {
		plain := make([]byte, n)
		for i := range plain {
			plain[i] = byte(r.Uint32())
		}
		s, _, src := sealed(t, l, key, plain)
		if err := seal.ParseCID(s.CID); err != nil {
			t.Fatal(err)
		}
		if s.CipherLen != seal.CipherLen(int64(n)) || len(s.Roots) != l.Shards() {
			t.Fatalf("Sealed = %+v", s)
		}
		// The CID names the ciphertext the shards carry.
		var ct bytes.Buffer
		if err := erasure.Decode(context.Background(), l, s.CipherLen, s.Roots, src, &ct); err != nil {
			t.Fatal(err)
		}
		var h seal.Hasher
		h.Write(ct.Bytes())
		if cid, _ := h.Sum(); cid != s.CID {
			t.Fatalf("CID %s, the decoded ciphertext's is %s", s.CID, cid)
		}
		src[1], src[4] = nil, nil
		var out bytes.Buffer
		if err := Open(context.Background(), l, key, s, src, &out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), plain) {
			t.Fatalf("n=%d: plaintext differs", n)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	key, _ := seal.NewKey()
	l := storage.Layout{Data: 2, Parity: 1}
	plain := bytes.Repeat([]byte("x"), 2*seal.ChunkSize)
	s, _, src := sealed(t, l, key, plain)
	other := key
	other[0] ^= 1
	var out bytes.Buffer
	err := Open(context.Background(), l, other, s, src, &out)
	if !errors.Is(err, storage.ErrCorrupt) || out.Len() != 0 {
		t.Fatalf("wrong key: err = %v, %d bytes out", err, out.Len())
	}
	src[0], src[2] = nil, nil
	err = Open(context.Background(), l, key, s, src, io.Discard)
	if !errors.Is(err, erasure.ErrTooFewShards) {
		t.Fatalf("too few: err = %v", err)
	}
}

func TestSealLengthMismatch(t *testing.T) {
	l := storage.Layout{Data: 2, Parity: 1}
	key, _ := seal.NewKey()
	ws := []io.Writer{io.Discard, io.Discard, io.Discard}
	if _, err := Seal(l, key, bytes.NewReader(make([]byte, 10)), 11, ws); err == nil {
		t.Fatal("short plaintext accepted")
	}
	if _, err := Seal(l, key, bytes.NewReader(make([]byte, 12)), 11, ws); err == nil {
		t.Fatal("long plaintext accepted")
	}
	if _, _, err := Pipeline(l, bytes.NewReader(make([]byte, 5)), 5); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkPipeline(b *testing.B) {
	const size = 16 << 20
	plain := make([]byte, size)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Pipeline(storage.DefaultLayout, bytes.NewReader(plain), size); err != nil {
			b.Fatal(err)
		}
	}
}
