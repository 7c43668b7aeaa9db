package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// suitePieces is the size of most shards the suite puts: not a power of
// two, so trees have a ragged edge, and several read chunks long.
const suitePieces = 37

// suiteShardBytes is the size of such a shard.
const suiteShardBytes = suitePieces * storage.PieceSize

func testRoundTrip(t *testing.T, s storage.ShardStore) {
	ctx := Context(t)
	sh := NewShard(Object(1), 3, suitePieces, 1)
	root, err := s.Put(ctx, sh.Unrooted(), bytes.NewReader(sh.Data))
	if err != nil {
		t.Fatal(err)
	}
	if root != sh.Info.Root {
		t.Fatalf("put computed root %s, want %s", root, sh.Info.Root)
	}
	CheckStored(t, s, sh)

	leaves, err := s.Leaves(ctx, sh.Info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(leaves) != len(sh.Leaves) {
		t.Fatalf("%d leaves, want %d", len(leaves), len(sh.Leaves))
	}
	for i := range leaves {
		if leaves[i] != sh.Leaves[i] {
			t.Fatalf("leaf %d = %s, want %s", i, leaves[i], sh.Leaves[i])
		}
	}

	indices := []int64{0, suitePieces - 1, 17, 17, 8}
	proofs, err := s.Prove(ctx, sh.Info.ID, indices)
	if err != nil {
		t.Fatal(err)
	}
	CheckProofs(t, sh, indices, proofs)

	all := make([]int64, storage.MaxChallenges)
	for i := range all {
		all[i] = int64(i*7) % suitePieces
	}
	proofs, err = s.Prove(ctx, sh.Info.ID, all)
	if err != nil {
		t.Fatalf("prove %d challenges: %v", len(all), err)
	}
	CheckProofs(t, sh, all, proofs)

	if err := s.Delete(ctx, sh.Info.ID); err != nil {
		t.Fatal(err)
	}
	CheckAbsent(t, s, sh.Info.ID)
	if err := s.Delete(ctx, sh.Info.ID); err != nil {
		t.Fatalf("deleting a deleted shard: %v", err)
	}
	if err := s.Read(ctx, sh.Info.ID, 0, 1, io.Discard); !errors.Is(err, storage.ErrShardNotFound) {
		t.Fatalf("read after delete = %v, want ErrShardNotFound", err)
	}
	MustPut(t, s, sh) // deleted means gone: the shard can come back
	CheckStored(t, s, sh)
}

// CheckProofs fails the test unless proofs answer indices for sh and
// verify against its root.
func CheckProofs(t testing.TB, sh Shard, indices []int64, proofs []storage.Proof) {
	t.Helper()
	if len(proofs) != len(indices) {
		t.Fatalf("%d proofs for %d challenges", len(proofs), len(indices))
	}
	for k, p := range proofs {
		if p.Index != indices[k] {
			t.Fatalf("proof %d answers piece %d, want %d", k, p.Index, indices[k])
		}
		if !bytes.Equal(p.Piece, sh.Piece(p.Index)) {
			t.Fatalf("proof %d: piece %d bytes differ", k, p.Index)
		}
		if !merkle.Verify(sh.Info.Root, sh.Info.Pieces, p.Index, merkle.Leaf(p.Piece), p.Path) {
			t.Fatalf("proof %d of piece %d does not verify", k, p.Index)
		}
	}
}

func testPutWithRoot(t *testing.T, s storage.ShardStore) {
	for i, pieces := range []int64{1, 2, 5} {
		sh := NewShard(Object(2), i, pieces, 2)
		MustPut(t, s, sh)
		CheckStored(t, s, sh)
	}
}

func testWrongRoot(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(3), 0, suitePieces, 3)
	bad := sh.Info
	bad.Root[5] ^= 1
	if _, err := s.Put(Context(t), bad, bytes.NewReader(sh.Data)); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("put with a wrong root = %v, want ErrCorrupt", err)
	}
	CheckNothingKept(t, s, sh)

	// One flipped bit in the data is caught the same way.
	data := bytes.Clone(sh.Data)
	data[len(data)/2] ^= 0x80
	other := NewShard(Object(3), 1, suitePieces, 3)
	if _, err := s.Put(Context(t), other.Info, bytes.NewReader(data)); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("put of altered data = %v, want ErrCorrupt", err)
	}
	CheckAbsent(t, s, other.Info.ID)
}

func testShortReader(t *testing.T, s storage.ShardStore) {
	var shards []Shard
	for k, cut := range []int{-1, -suiteShardBytes / 2, -suiteShardBytes + 1, -suiteShardBytes} {
		sh := NewShard(Object(4), k, suitePieces, 4)
		n := len(sh.Data) + cut
		_, err := s.Put(Context(t), sh.Info, bytes.NewReader(sh.Data[:n]))
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("put of %d of %d bytes = %v, want io.ErrUnexpectedEOF", n, len(sh.Data), err)
		}
		CheckAbsent(t, s, sh.Info.ID)
		shards = append(shards, sh)
	}
	for _, sh := range shards {
		CheckNothingKept(t, s, sh)
	}
}

// failingReader yields n bytes of data, then fails.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func testFailingReader(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(5), 2, suitePieces, 5)
	boom := errors.New("source failed")
	r := &failingReader{r: bytes.NewReader(sh.Data[:len(sh.Data)/3]), err: boom}
	if _, err := s.Put(Context(t), sh.Info, r); err == nil {
		t.Fatal("put from a failing reader succeeded")
	}
	CheckNothingKept(t, s, sh)
}

func testExtraBytesUnread(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(6), 0, 3, 6)
	extra := []byte("not part of the shard")
	r := bytes.NewReader(append(bytes.Clone(sh.Data), extra...))
	MustPutFrom(t, s, sh, r)
	if r.Len() != len(extra) {
		t.Fatalf("put left %d bytes of the reader, want the %d after the shard unread", r.Len(), len(extra))
	}
	CheckStored(t, s, sh)
}

// MustPutFrom puts sh reading from r.
func MustPutFrom(t testing.TB, s storage.ShardStore, sh Shard, r io.Reader) {
	t.Helper()
	if _, err := s.Put(Context(t), sh.Info, r); err != nil {
		t.Fatalf("put %s: %v", sh.Info.ID, err)
	}
}

func testDuplicate(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(7), 0, suitePieces, 7)
	MustPut(t, s, sh)
	other := NewShard(Object(7), 0, suitePieces, 77) // same ID, other bytes
	r := bytes.NewReader(other.Data)
	if _, err := s.Put(Context(t), other.Info, r); !errors.Is(err, storage.ErrShardExists) {
		t.Fatalf("second put = %v, want ErrShardExists", err)
	}
	if _, err := s.Put(Context(t), sh.Info, bytes.NewReader(sh.Data)); !errors.Is(err, storage.ErrShardExists) {
		t.Fatalf("same put again = %v, want ErrShardExists", err)
	}
	CheckStored(t, s, sh)
}

func testInvalidPut(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(8), 0, 1, 8)
	for _, info := range []storage.ShardInfo{
		{ID: storage.ShardID{Object: "../../etc", Index: 0}, Pieces: 1},
		{ID: storage.ShardID{Object: Object(8), Index: -1}, Pieces: 1},
		{ID: storage.ShardID{Object: Object(8), Index: storage.MaxShards}, Pieces: 1},
		{ID: sh.Info.ID, Pieces: 0},
		{ID: sh.Info.ID, Pieces: -1},
	} {
		if _, err := s.Put(Context(t), info, bytes.NewReader(sh.Data)); err == nil {
			t.Fatalf("put %+v succeeded", info)
		}
	}
	CheckAbsent(t, s, sh.Info.ID)
	if _, err := s.Stat(Context(t), storage.ShardID{Object: "../x", Index: 0}); err == nil {
		t.Fatal("stat of an invalid shard ID succeeded")
	}
}

func testMissing(t *testing.T, s storage.ShardStore) {
	ctx := Context(t)
	id := storage.ShardID{Object: Object(9), Index: 4}
	CheckAbsent(t, s, id)
	var buf bytes.Buffer
	if err := s.Read(ctx, id, 0, 1, &buf); !errors.Is(err, storage.ErrShardNotFound) || buf.Len() != 0 {
		t.Fatalf("read missing = %v with %d bytes, want ErrShardNotFound and none", err, buf.Len())
	}
	if _, err := s.Leaves(ctx, id); !errors.Is(err, storage.ErrShardNotFound) {
		t.Fatalf("leaves of missing = %v, want ErrShardNotFound", err)
	}
	if _, err := s.Prove(ctx, id, []int64{0}); !errors.Is(err, storage.ErrShardNotFound) {
		t.Fatalf("prove missing = %v, want ErrShardNotFound", err)
	}
	if err := s.Delete(ctx, id); err != nil {
		t.Fatalf("delete missing = %v, want nil", err)
	}
}

func testReadRange(t *testing.T, s storage.ShardStore) {
	ctx := Context(t)
	sh := NewShard(Object(10), 5, suitePieces, 10)
	MustPut(t, s, sh)
	for _, r := range [][2]int64{{0, 1}, {5, 3}, {suitePieces - 1, 1}, {1, suitePieces - 1}, {20, 17}} {
		var buf bytes.Buffer
		if err := s.Read(ctx, sh.Info.ID, r[0], r[1], &buf); err != nil {
			t.Fatalf("read [%d, +%d): %v", r[0], r[1], err)
		}
		want := sh.Data[r[0]*storage.PieceSize : (r[0]+r[1])*storage.PieceSize]
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("read [%d, +%d): %d bytes that differ from the %d stored", r[0], r[1], buf.Len(), len(want))
		}
	}
	// A failing writer fails the read.
	if err := s.Read(ctx, sh.Info.ID, 0, suitePieces, failingWriter{}); err == nil {
		t.Fatal("read into a failing writer succeeded")
	}
	CheckStored(t, s, sh)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("sink failed") }

func testOutOfRange(t *testing.T, s storage.ShardStore) {
	ctx := Context(t)
	sh := NewShard(Object(11), 0, suitePieces, 11)
	MustPut(t, s, sh)
	for _, r := range [][2]int64{{-1, 1}, {0, 0}, {0, -1}, {suitePieces, 1}, {suitePieces - 1, 2}, {1, suitePieces}, {0, 1 << 62}} {
		var buf bytes.Buffer
		if err := s.Read(ctx, sh.Info.ID, r[0], r[1], &buf); err == nil || buf.Len() != 0 {
			t.Fatalf("read [%d, +%d) = %v with %d bytes, want refused with none", r[0], r[1], err, buf.Len())
		}
	}
	tooMany := make([]int64, storage.MaxChallenges+1)
	for _, indices := range [][]int64{{suitePieces}, {-1}, {0, suitePieces + 5}, {}, tooMany} {
		if proofs, err := s.Prove(ctx, sh.Info.ID, indices); err == nil {
			t.Fatalf("prove %d indices (%v...) gave %d proofs, want refused", len(indices), head(indices), len(proofs))
		}
	}
	CheckStored(t, s, sh)
}

func head(v []int64) []int64 { return v[:min(len(v), 3)] }

// cancellingReader cancels its context once after bytes have been read,
// then goes on yielding data, so that only the store's own check of its
// context can stop the Put.
type cancellingReader struct {
	data   []byte
	after  int
	cancel context.CancelFunc
	read   int
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	if c.read >= c.after {
		c.cancel()
	} else {
		p = p[:min(len(p), c.after-c.read)]
	}
	n := copy(p, c.data[c.read%len(c.data):])
	c.read += n
	return n, nil
}

func testCancelMidPut(t *testing.T, s storage.ShardStore) {
	sh := NewShard(Object(12), 0, suitePieces, 12)
	ctx, cancel := context.WithCancel(Context(t))
	r := &cancellingReader{data: sh.Data, after: len(sh.Data) / 2, cancel: cancel}
	if _, err := s.Put(ctx, sh.Info, r); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled put = %v, want context.Canceled", err)
	}
	CheckNothingKept(t, s, sh)
}

func testConcurrentPuts(t *testing.T, s storage.ShardStore) {
	var shards []Shard
	for i := range 8 {
		shards = append(shards, NewShard(Object(uint64(13+i%2)), i, int64(3+i), uint64(i)))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(shards))
	for i, sh := range shards {
		wg.Go(func() {
			root, err := s.Put(Context(t), sh.Unrooted(), bytes.NewReader(sh.Data))
			if err == nil && root != sh.Info.Root {
				err = fmt.Errorf("root %s, want %s", root, sh.Info.Root)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("put %s: %v", shards[i].Info.ID, err)
		}
	}
	for _, sh := range shards {
		CheckStored(t, s, sh)
	}
}
