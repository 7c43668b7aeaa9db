package shardstore

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/storetest"
	"github.com/opensky-network/opensky/internal/testlog"
)

// openDisk opens a store in dir and closes it when the test ends.
func openDisk(t *testing.T, dir string, capacity int64) *Disk {
	t.Helper()
	d, err := Open(dir, capacity, WithLogger(testlog.New(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.ShardStore {
		d := openDisk(t, t.TempDir(), 64<<20)
		t.Cleanup(func() {
			// Whatever the case did, the accounting matches what is stored.
			list, _ := d.List()
			var want int64
			for _, info := range list {
				want += footprint(info.Pieces)
			}
			if got := d.Used(); got != want {
				t.Errorf("used %d bytes, the %d stored shards take %d", got, len(list), want)
			}
		})
		return d
	})
}

func TestCapacity(t *testing.T) {
	ctx := storetest.Context(t)
	d := openDisk(t, t.TempDir(), footprint(10))
	a := storetest.NewShard(storetest.Object(1), 0, 6, 1)
	b := storetest.NewShard(storetest.Object(1), 1, 5, 2)
	storetest.MustPut(t, d, a)
	if d.Used() != footprint(6) || d.Free() != footprint(4) || d.Capacity() != footprint(10) {
		t.Fatalf("used %d, free %d, capacity %d after 6 of 10 pieces", d.Used(), d.Free(), d.Capacity())
	}
	r := bytes.NewReader(b.Data)
	if _, err := d.Put(ctx, b.Info, r); !errors.Is(err, storage.ErrNoSpace) {
		t.Fatalf("put beyond capacity = %v, want ErrNoSpace", err)
	}
	if r.Len() != len(b.Data) {
		t.Fatal("a put refused for space read its data")
	}
	huge := storage.ShardInfo{ID: b.Info.ID, Pieces: 1 << 62}
	if _, err := d.Put(ctx, huge, r); !errors.Is(err, storage.ErrNoSpace) {
		t.Fatalf("put of 2^62 pieces = %v, want ErrNoSpace", err)
	}
	if d.Used() != footprint(6) {
		t.Fatalf("refused puts changed usage to %d", d.Used())
	}
	if err := d.Delete(ctx, a.Info.ID); err != nil {
		t.Fatal(err)
	}
	if d.Used() != 0 || d.Free() != footprint(10) {
		t.Fatalf("used %d, free %d after delete", d.Used(), d.Free())
	}
	storetest.MustPut(t, d, b)

	// A failed put gives its reservation back.
	c := storetest.NewShard(storetest.Object(2), 0, 5, 3)
	if _, err := d.Put(ctx, c.Info, bytes.NewReader(c.Data[:100])); err == nil {
		t.Fatal("short put succeeded")
	}
	if d.Used() != footprint(5) {
		t.Fatalf("used %d after a failed put, want %d", d.Used(), footprint(5))
	}
}

func TestLayoutAndPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store") // created by Open
	d := openDisk(t, dir, 64<<20)
	sh := storetest.NewShard(storetest.Object(3), 7, 4, 3)
	storetest.MustPut(t, d, sh)

	obj := filepath.Join(dir, sh.Info.ID.Object)
	want := map[string]int64{"7.shard": sh.Info.Size(), "7.leaves": 4 * 32, "7.meta": -1}
	ents, err := os.ReadDir(obj)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != fileMode {
			t.Errorf("%s has mode %v, want %v", e.Name(), fi.Mode().Perm(), fs.FileMode(fileMode))
		}
		if size, ok := want[e.Name()]; !ok {
			t.Errorf("unexpected file %s", e.Name())
		} else if size >= 0 && fi.Size() != size {
			t.Errorf("%s has %d bytes, want %d", e.Name(), fi.Size(), size)
		}
	}
	if len(names) != len(want) {
		t.Fatalf("object directory holds %v", names)
	}
	for _, p := range []string{dir, obj} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != dirMode {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), fs.FileMode(dirMode))
		}
	}
	leaves, err := os.ReadFile(filepath.Join(obj, "7.leaves"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range sh.Leaves {
		if !bytes.Equal(leaves[i*32:(i+1)*32], l[:]) {
			t.Fatalf("leaves file entry %d differs", i)
		}
	}

	// Deleting an object's last shard removes its directory.
	if err := d.Delete(storetest.Context(t), sh.Info.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(obj); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("object directory after its last shard went: %v", err)
	}
}

func TestReopenRecovers(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, 64<<20, WithLogger(testlog.New(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := storetest.Context(t)
	a := storetest.NewShard(storetest.Object(4), 0, 3, 4)
	b := storetest.NewShard(storetest.Object(4), 1, 5, 5)
	c := storetest.NewShard(storetest.Object(5), 2, 2, 6)
	storetest.MustPut(t, d, a)
	if _, err := d.PutOwned(ctx, b.Info, "peer-b", bytes.NewReader(b.Data)); err != nil {
		t.Fatal(err)
	}
	storetest.MustPut(t, d, c)
	used := d.Used()

	// Another store cannot open the directory meanwhile.
	if d2, err := Open(dir, 64<<20); err == nil {
		_ = d2.Close()
		t.Fatal("opened a directory another store holds")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	// What a crash could leave: temporary files of a put in progress, a
	// shard renamed into place without its meta file, and a shard whose
	// file lost its tail.
	obj4 := filepath.Join(dir, a.Info.ID.Object)
	for _, name := range []string{"9.shard.tmp", "9.leaves.tmp", "9.meta.tmp", "3.shard", "3.leaves"} {
		if err := os.WriteFile(filepath.Join(obj4, name), []byte("leftover"), fileMode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(filepath.Join(dir, c.Info.ID.Object, "2.shard"), c.Info.Size()-1); err != nil {
		t.Fatal(err)
	}

	d = openDisk(t, dir, 64<<20)
	list, err := d.List()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list, []storage.ShardInfo{a.Info, b.Info}) {
		t.Fatalf("recovered %+v, want %+v", list, []storage.ShardInfo{a.Info, b.Info})
	}
	if d.Used() != used-footprint(c.Info.Pieces) {
		t.Fatalf("used %d after reopening, want %d", d.Used(), used-footprint(c.Info.Pieces))
	}
	storetest.CheckStored(t, d, a)
	storetest.CheckStored(t, d, b)
	if owner, err := d.Owner(ctx, b.Info.ID); err != nil || owner != "peer-b" {
		t.Fatalf("owner of b = %q, %v; want peer-b", owner, err)
	}
	ents, err := os.ReadDir(obj4)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"0.leaves", "0.meta", "0.shard", "1.leaves", "1.meta", "1.shard"}; !slices.Equal(names, want) {
		t.Fatalf("after recovery the object directory holds %v, want %v", names, want)
	}
	if _, err := os.Stat(filepath.Join(dir, c.Info.ID.Object)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the broken shard's directory is still there: %v", err)
	}
	// The dropped shard can be stored again.
	storetest.MustPut(t, d, c)
}

func TestCorruptionOnDisk(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, 64<<20)
	ctx := storetest.Context(t)
	sh := storetest.NewShard(storetest.Object(6), 0, 8, 6)
	storetest.MustPut(t, d, sh)
	path := filepath.Join(dir, sh.Info.ID.Object, "0.shard")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{^sh.Data[3*storage.PieceSize+9]}, 3*storage.PieceSize+9); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()

	if _, err := d.Prove(ctx, sh.Info.ID, []int64{1, 3}); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("prove of a rotten piece = %v, want ErrCorrupt", err)
	}
	proofs, err := d.Prove(ctx, sh.Info.ID, []int64{1, 4})
	if err != nil {
		t.Fatalf("prove of intact pieces: %v", err)
	}
	storetest.CheckProofs(t, sh, []int64{1, 4}, proofs)

	if err := os.Truncate(path, sh.Info.Size()-1); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.Read(ctx, sh.Info.ID, 0, 1, &buf); !errors.Is(err, storage.ErrCorrupt) || buf.Len() != 0 {
		t.Fatalf("read of a truncated shard = %v with %d bytes, want ErrCorrupt and none", err, buf.Len())
	}
	if err := os.Truncate(filepath.Join(dir, sh.Info.ID.Object, "0.leaves"), 5); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Leaves(ctx, sh.Info.ID); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("leaves of a truncated leaves file = %v, want ErrCorrupt", err)
	}
}

// TestSameShardConcurrently races puts, reads and deletes of one shard:
// each must either work or fail with the error its race explains, and the
// accounting must end where the shard's state says.
func TestSameShardConcurrently(t *testing.T) {
	d := openDisk(t, t.TempDir(), 64<<20)
	sh := storetest.NewShard(storetest.Object(7), 1, 4, 7)
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for w := range 6 {
		wg.Go(func() {
			for range 20 {
				var err error
				switch w % 3 {
				case 0:
					_, err = d.Put(ctx, sh.Info, bytes.NewReader(sh.Data))
					if errors.Is(err, storage.ErrShardExists) {
						err = nil
					}
				case 1:
					var buf bytes.Buffer
					err = d.Read(ctx, sh.Info.ID, 0, sh.Info.Pieces, &buf)
					if err == nil && !bytes.Equal(buf.Bytes(), sh.Data) {
						err = errors.New("read other bytes")
					}
					if errors.Is(err, storage.ErrShardNotFound) {
						err = nil
					}
				case 2:
					err = d.Delete(ctx, sh.Info.ID)
				}
				if err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	var want int64
	if _, err := d.Stat(ctx, sh.Info.ID); err == nil {
		want = footprint(sh.Info.Pieces)
	}
	if d.Used() != want {
		t.Fatalf("used %d, want %d", d.Used(), want)
	}
}
