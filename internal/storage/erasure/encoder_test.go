package erasure

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/reedsolomon"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

var testLayouts = []storage.Layout{{Data: 1, Parity: 0}, {Data: 3, Parity: 2}, {Data: 10, Parity: 4}}

func testSizes(l storage.Layout) []int {
	s := int(l.StripeSize())
	return []int{0, 1, s - 1, s, s + 1, 3<<20 + 12345}
}

// TestShardLayout checks the encoder's output against the layout the
// package doc gives, byte by byte, and the roots against the pieces.
func TestShardLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, l := range testLayouts {
		for _, n := range testSizes(l) {
			t.Run(fmt.Sprintf("%s/%d", l, n), func(t *testing.T) {
				ct := randomBytes(r, n)
				shards, roots := encode(t, r, l, ct)
				pieces := l.Pieces(int64(n))
				stripe := int(l.StripeSize())
				padded := make([]byte, int(pieces)*stripe)
				copy(padded, ct)
				for i := range l.Data {
					if int64(len(shards[i])) != l.ShardSize(int64(n)) {
						t.Fatalf("shard %d is %d bytes, want %d", i, len(shards[i]), l.ShardSize(int64(n)))
					}
					for j := range int(pieces) {
						want := padded[j*stripe+i*storage.PieceSize : j*stripe+(i+1)*storage.PieceSize]
						if !bytes.Equal(shards[i][j*storage.PieceSize:(j+1)*storage.PieceSize], want) {
							t.Fatalf("data shard %d piece %d is not stripe %d's slice", i, j, j)
						}
					}
				}
				if l.Parity > 0 {
					rs, _ := reedsolomon.New(l.Data, l.Parity)
					if ok, err := rs.Verify(shards); err != nil || !ok {
						t.Fatalf("parity does not verify: %v", err)
					}
				}
				for i, s := range shards {
					leaves, root, err := ShardLeaves(bytes.NewReader(s), pieces)
					if err != nil {
						t.Fatal(err)
					}
					if root != roots[i] || merkle.Root(leaves) != roots[i] {
						t.Fatalf("shard %d: root %s, Encoder says %s", i, root, roots[i])
					}
				}
				got, err := decodeBytes(t, l, int64(n), roots, asSources(sourcesOf(t, shards)))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, ct) {
					t.Fatalf("round trip differs (%d bytes, want %d)", len(got), len(ct))
				}
			})
		}
	}
}

func TestEncoderWrongLength(t *testing.T) {
	l := storage.Layout{Data: 3, Parity: 2}
	ws := make([]io.Writer, 5)
	for i := range ws {
		ws[i] = io.Discard
	}
	e, _ := NewEncoder(l, 1000, ws)
	e.Write(make([]byte, 999))
	err := e.Close()
	if err == nil || !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), "1000") {
		t.Fatalf("short: Close = %v, want both lengths named", err)
	}
	if e.Roots() != nil {
		t.Fatal("roots after a failed Close")
	}
	e, _ = NewEncoder(l, 1000, ws)
	n, err := e.Write(make([]byte, 1001))
	if err == nil || n != 1000 {
		t.Fatalf("long: Write = %d, %v", n, err)
	}
	if err := e.Close(); err == nil {
		t.Fatal("long: Close succeeded")
	}
	if _, err := NewEncoder(l, 10, ws[:4]); err == nil {
		t.Fatal("4 writers for 3+2 accepted")
	}
	if _, err := NewEncoder(storage.Layout{Data: 0, Parity: 2}, 10, ws[:2]); err == nil {
		t.Fatal("0+2 accepted")
	}
	if _, err := NewEncoder(l, -1, ws); err == nil {
		t.Fatal("negative length accepted")
	}
}

type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	f.n--
	return len(p), nil
}

func TestEncoderWriterError(t *testing.T) {
	l := storage.Layout{Data: 3, Parity: 2}
	boom := errors.New("stream reset")
	ws := []io.Writer{io.Discard, io.Discard, io.Discard, &failAfter{n: 1, err: boom}, io.Discard}
	size := int64(5 << 20)
	e, _ := NewEncoder(l, size, ws)
	chunk := make([]byte, 64<<10)
	var err error
	for w := int64(0); w < size && err == nil; w += int64(len(chunk)) {
		_, err = e.Write(chunk[:min(int64(len(chunk)), size-w)])
	}
	if cerr := e.Close(); err == nil {
		err = cerr
	}
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "shard 3") {
		t.Fatalf("err = %v, want the writer's error naming shard 3", err)
	}
}

// TestEncoderAllocations: the encoder allocates per batch of stripes
// (the writer goroutines), never per stripe or per Write.
func TestEncoderAllocations(t *testing.T) {
	l := storage.DefaultLayout
	ws := make([]io.Writer, l.Shards())
	for i := range ws {
		ws[i] = io.Discard
	}
	e, _ := NewEncoder(l, 1<<40, ws)
	p := make([]byte, 8*l.StripeSize())
	stripesPerRun := float64(len(p)) / float64(l.StripeSize())
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := e.Write(p); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.1f allocations per %v stripes", allocs, stripesPerRun)
	if allocs >= stripesPerRun*float64(l.Shards())/2 {
		t.Fatalf("%.1f allocations per %v stripes", allocs, stripesPerRun)
	}
	small := testing.AllocsPerRun(100, func() { e.Write(p[:100]) })
	if small > 0.5 {
		t.Fatalf("a small Write allocates %.1f times", small)
	}
}

func BenchmarkEncode(b *testing.B) {
	l := storage.DefaultLayout
	const size = 16 << 20
	ct := make([]byte, size)
	ws := make([]io.Writer, l.Shards())
	for i := range ws {
		ws[i] = io.Discard
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		e, err := NewEncoder(l, size, ws)
		if err != nil {
			b.Fatal(err)
		}
		for p := ct; len(p) > 0; p = p[256<<10:] {
			e.Write(p[:256<<10])
		}
		if err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
