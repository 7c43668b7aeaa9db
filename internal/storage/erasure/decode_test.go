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

// TestAnyThreeOfFive reads a 3+2 object back from every set of shards.
func TestAnyThreeOfFive(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, int(5*l.StripeSize()/2))
	shards, roots := encode(t, r, l, ct)
	for mask := 0; mask < 1<<5; mask++ {
		var missing []int
		for i := range 5 {
			if mask&(1<<i) == 0 {
				missing = append(missing, i)
			}
		}
		ms := sourcesOf(t, shards)
		got, err := decodeBytes(t, l, int64(len(ct)), roots, asSources(ms, missing...))
		if len(missing) > 2 {
			if !errors.Is(err, ErrTooFewShards) || len(got) != 0 {
				t.Fatalf("shards %05b: err = %v, %d bytes written; want ErrTooFewShards and nothing", mask, err, len(got))
			}
			continue
		}
		if err != nil || !bytes.Equal(got, ct) {
			t.Fatalf("shards %05b: err = %v, equal = %v", mask, err, bytes.Equal(got, ct))
		}
		// Data shards are preferred: parity is read only for missing data.
		dataMissing := 0
		for _, i := range missing {
			if i < 3 {
				dataMissing++
			}
		}
		paritiesRead := 0
		for i := 3; i < 5; i++ {
			paritiesRead += ms[i].opened
		}
		if paritiesRead != dataMissing {
			t.Fatalf("shards %05b: %d parity shards opened for %d missing data shards", mask, paritiesRead, dataMissing)
		}
	}
}

func TestTenPlusFour(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	l := storage.DefaultLayout
	ct := randomBytes(r, 2<<20+777)
	shards, roots := encode(t, r, l, ct)
	got, err := decodeBytes(t, l, int64(len(ct)), roots, asSources(sourcesOf(t, shards), 0, 4, 9, 12))
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("4 missing: err = %v, equal = %v", err, bytes.Equal(got, ct))
	}
	got, err = decodeBytes(t, l, int64(len(ct)), roots, asSources(sourcesOf(t, shards), 0, 4, 9, 12, 13))
	if !errors.Is(err, ErrTooFewShards) {
		t.Fatalf("5 missing: err = %v, want ErrTooFewShards", err)
	}
	if len(got) != 0 {
		t.Fatalf("5 missing: %d bytes written", len(got))
	}
	msg := err.Error()
	for _, want := range []string{"need 10 of 14 shards, 9 usable", "shard 0: unavailable", "shard 13: unavailable"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestFlippedBitIsDetected(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, 4<<20)
	shards, roots := encode(t, r, l, ct)

	// The source claims the right leaves and serves a bad piece.
	ms := sourcesOf(t, shards)
	ms[1].data = bytes.Clone(ms[1].data)
	ms[1].data[70*storage.PieceSize+123] ^= 0x10
	bad := badShards{}
	got, err := decodeBytes(t, l, int64(len(ct)), roots, asSources(ms), bad.option())
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("bad piece: err = %v, equal = %v", err, bytes.Equal(got, ct))
	}
	if len(bad) != 1 {
		t.Fatalf("reported %v, want shard 1 only", bad)
	}
	wantCorrupt(t, bad[1])
	if !strings.Contains(bad[1].Error(), "piece 70") {
		t.Errorf("report %q does not name piece 70", bad[1])
	}

	// The source's leaves match its bad data, so not its root.
	ms = sourcesOf(t, shards)
	flipped := bytes.Clone(shards[0])
	flipped[5] ^= 1
	ms[0] = sourcesOf(t, [][]byte{flipped})[0]
	bad = badShards{}
	got, err = decodeBytes(t, l, int64(len(ct)), roots, asSources(ms), bad.option())
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("bad leaves: err = %v", err)
	}
	wantCorrupt(t, bad[0])
	if ms[0].opened != 0 {
		t.Fatal("a shard whose leaves fail its root was read")
	}

	// Leaves of the wrong count.
	ms = sourcesOf(t, shards)
	ms[2].leaves = ms[2].leaves[:len(ms[2].leaves)-1]
	bad = badShards{}
	if _, err := decodeBytes(t, l, int64(len(ct)), roots, asSources(ms), bad.option()); err != nil {
		t.Fatal(err)
	}
	wantCorrupt(t, bad[2])
}

func TestSourceFailsMidStream(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, 3<<20)
	shards, roots := encode(t, r, l, ct)
	reset := errors.New("stream reset")
	ms := sourcesOf(t, shards)
	ms[2].failAt = 40*storage.PieceSize + 100
	ms[2].failErr = reset
	ms[0].openErr = errors.New("dial failed")
	bad := badShards{}
	got, err := decodeBytes(t, l, int64(len(ct)), roots, asSources(ms), bad.option())
	if err != nil || !bytes.Equal(got, ct) {
		t.Fatalf("err = %v, equal = %v", err, bytes.Equal(got, ct))
	}
	if !errors.Is(bad[2], reset) || bad[0] == nil || len(bad) != 2 {
		t.Fatalf("reports %v, want shards 0 and 2", bad)
	}
	if ms[3].opened != 1 || ms[4].opened != 1 {
		t.Fatalf("spares opened %d and %d times, want once each", ms[3].opened, ms[4].opened)
	}

	// With one more failure there are too few: the error says why for
	// each, and what was written is a correct prefix.
	ms = sourcesOf(t, shards)
	ms[2].failAt, ms[2].failErr = 40*storage.PieceSize, reset
	ms[3].data = bytes.Clone(ms[3].data)
	ms[3].data[len(ms[3].data)-1] ^= 1
	got, err = decodeBytes(t, l, int64(len(ct)), roots, asSources(ms, 4))
	if !errors.Is(err, ErrTooFewShards) || !errors.Is(err, reset) {
		t.Fatalf("err = %v, want ErrTooFewShards wrapping the reset", err)
	}
	wantCorrupt(t, err)
	if !strings.Contains(err.Error(), "need 3 of 5 shards, 2 usable") {
		t.Errorf("message %q", err)
	}
	if !bytes.Equal(got, ct[:len(got)]) {
		t.Fatal("wrong bytes written before the failure")
	}
}

func TestDecodeArguments(t *testing.T) {
	l := storage.Layout{Data: 3, Parity: 2}
	roots := make([]storage.Hash, 5)
	if err := Decode(context.Background(), l, 10, roots[:4], make([]Source, 5), io.Discard); err == nil {
		t.Fatal("4 roots for 3+2 accepted")
	}
	if err := Decode(context.Background(), l, -1, roots, make([]Source, 5), io.Discard); err == nil {
		t.Fatal("negative length accepted")
	}
	if err := Decode(context.Background(), storage.Layout{}, 1, nil, nil, io.Discard); err == nil {
		t.Fatal("empty layout accepted")
	}
}

func TestDecodeCancelled(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, 1000)
	shards, roots := encode(t, r, l, ct)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Decode(ctx, l, int64(len(ct)), roots, asSources(sourcesOf(t, shards)), io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

type errWriter struct{}

func (errWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

func TestDecodeWriterError(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	l := storage.Layout{Data: 3, Parity: 2}
	ct := randomBytes(r, 1000)
	shards, roots := encode(t, r, l, ct)
	err := Decode(context.Background(), l, int64(len(ct)), roots, asSources(sourcesOf(t, shards)), errWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
}

func TestShardLeavesShort(t *testing.T) {
	_, _, err := ShardLeaves(bytes.NewReader(make([]byte, storage.PieceSize+1)), 2)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := ShardLeaves(bytes.NewReader(nil), 0); err == nil {
		t.Fatal("0 pieces accepted")
	}
}

func benchmarkDecode(b *testing.B, missing ...int) {
	r := rand.New(rand.NewPCG(8, 8))
	l := storage.DefaultLayout
	ct := randomBytes(r, 16<<20)
	shards, roots := encode(b, r, l, ct)
	src := asSources(sourcesOf(b, shards), missing...)
	b.SetBytes(int64(len(ct)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Decode(context.Background(), l, int64(len(ct)), roots, src, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode reads a 10+4 object from its data shards.
func BenchmarkDecode(b *testing.B) { benchmarkDecode(b) }

// BenchmarkDecodeReconstruct reads a 10+4 object with four data shards
// missing.
func BenchmarkDecodeReconstruct(b *testing.B) { benchmarkDecode(b, 0, 3, 6, 9) }
