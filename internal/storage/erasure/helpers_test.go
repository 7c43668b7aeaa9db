package erasure

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
)

// memSource serves a shard from memory, optionally misbehaving.
type memSource struct {
	data      []byte
	leaves    []storage.Hash
	leavesErr error
	openErr   error
	failAt    int64 // fail reads once this many bytes were served (0: never)
	failErr   error
	opened    int // how many times Open was called
}

func (s *memSource) Leaves(ctx context.Context) ([]storage.Hash, error) {
	if s.leavesErr != nil {
		return nil, s.leavesErr
	}
	return append([]storage.Hash(nil), s.leaves...), nil
}

func (s *memSource) Open(ctx context.Context, from int64) (io.ReadCloser, error) {
	s.opened++
	if s.openErr != nil {
		return nil, s.openErr
	}
	start := min(from*storage.PieceSize, int64(len(s.data)))
	var r io.Reader = bytes.NewReader(s.data[start:])
	if s.failAt > 0 {
		r = &failingReader{r: r, left: s.failAt, err: s.failErr}
	}
	return io.NopCloser(r), nil
}

// failingReader fails once left bytes were read.
type failingReader struct {
	r    io.Reader
	left int64
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, f.err
	}
	if int64(len(p)) > f.left {
		p = p[:f.left]
	}
	n, err := f.r.Read(p)
	f.left -= int64(n)
	return n, err
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// encode encodes ct in layout l, writing it in random sizes, and returns
// the shards and roots.
func encode(t testing.TB, r *rand.Rand, l storage.Layout, ct []byte) ([][]byte, []storage.Hash) {
	t.Helper()
	bufs := make([]*bytes.Buffer, l.Shards())
	ws := make([]io.Writer, l.Shards())
	for i := range bufs {
		bufs[i] = new(bytes.Buffer)
		ws[i] = bufs[i]
	}
	e, err := NewEncoder(l, int64(len(ct)), ws)
	if err != nil {
		t.Fatal(err)
	}
	for p := ct; len(p) > 0; {
		n := min(len(p), 1+r.IntN(3*int(l.StripeSize())))
		if _, err := e.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	shards := make([][]byte, len(bufs))
	for i, b := range bufs {
		shards[i] = b.Bytes()
	}
	return shards, e.Roots()
}

// sourcesOf returns honest sources of the shards.
func sourcesOf(t testing.TB, shards [][]byte) []*memSource {
	t.Helper()
	out := make([]*memSource, len(shards))
	for i, s := range shards {
		leaves, _, err := ShardLeaves(bytes.NewReader(s), int64(len(s)/storage.PieceSize))
		if err != nil {
			t.Fatal(err)
		}
		out[i] = &memSource{data: s, leaves: leaves}
	}
	return out
}

// asSources converts, leaving out the shards in missing.
func asSources(ms []*memSource, missing ...int) []Source {
	out := make([]Source, len(ms))
	for i, s := range ms {
		out[i] = s
	}
	for _, i := range missing {
		out[i] = nil
	}
	return out
}

// badShards collects OnBadShard reports.
type badShards map[int]error

func (b badShards) option() Option {
	return OnBadShard(func(i int, err error) { b[i] = err })
}

func decodeBytes(t testing.TB, l storage.Layout, n int64, roots []storage.Hash, src []Source, opts ...Option) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	err := Decode(context.Background(), l, n, roots, src, &out, opts...)
	return out.Bytes(), err
}

func wantCorrupt(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("err = %v, want one wrapping storage.ErrCorrupt", err)
	}
}
