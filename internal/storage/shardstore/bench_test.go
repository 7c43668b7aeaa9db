package shardstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/storetest"
)

// BenchmarkDisk puts and reads a 64 MiB shard on the local disk, the
// ceiling for what a provider serves over the network.
func BenchmarkDisk(b *testing.B) {
	const pieces = 4096
	sh := storetest.NewShard(storetest.Object(1), 0, pieces, 1)
	d, err := Open(b.TempDir(), 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	b.Run("put", func(b *testing.B) {
		b.SetBytes(int64(len(sh.Data)))
		for b.Loop() {
			if _, err := d.Put(ctx, sh.Info, bytes.NewReader(sh.Data)); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := d.Delete(ctx, sh.Info.ID); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("read", func(b *testing.B) {
		if _, err := d.Put(ctx, sh.Info, bytes.NewReader(sh.Data)); err != nil && !errors.Is(err, storage.ErrShardExists) {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(sh.Data)))
		for b.Loop() {
			if err := d.Read(ctx, sh.Info.ID, 0, pieces, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}
