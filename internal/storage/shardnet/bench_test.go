package shardnet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/storetest"
)

// BenchmarkPutRead moves a 64 MiB shard to a provider and back over
// loopback hosts: put (stream, hash, write, sync, commit) and read.
func BenchmarkPutRead(b *testing.B) {
	const pieces = 4096 // 64 MiB
	sh := storetest.NewShard(storetest.Object(1), 0, pieces, 1)
	for _, tc := range []struct{ name, listen string }{
		{"tcp", "/ip4/127.0.0.1/tcp/0"},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			listen := []string{tc.listen}
			p := newProvider(b, 1<<30, listen)
			c := NewClient(newHost(b, "client", listen, p.host), p.host.ID())
			ctx := context.Background()

			b.Run("put", func(b *testing.B) {
				b.SetBytes(int64(len(sh.Data)))
				for b.Loop() {
					if _, err := c.Put(ctx, sh.Info, bytes.NewReader(sh.Data)); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if err := p.disk.Delete(ctx, sh.Info.ID); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
			})
			b.Run("read", func(b *testing.B) {
				if _, err := c.Put(ctx, sh.Info, bytes.NewReader(sh.Data)); err != nil && !errors.Is(err, storage.ErrShardExists) {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(sh.Data)))
				for b.Loop() {
					if err := c.Read(ctx, sh.Info.ID, 0, pieces, io.Discard); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
