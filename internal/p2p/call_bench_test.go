package p2p

import (
	"context"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// BenchmarkCall measures one bid round trip on loopback: seal, stream,
// handler, sealed reply, verify and decode.
func BenchmarkCall(b *testing.B) {
	for _, tc := range []struct{ name, listen string }{
		{"tcp", "/ip4/127.0.0.1/tcp/0"},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			only := func(c *Config) { c.ListenAddrs = []string{tc.listen}; c.Logger = nil }
			srv := newHost(b, "srv", only)
			cli := newHost(b, "cli", func(c *Config) { only(c); c.Bootstrap = srv.Addrs() })
			srv.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(_ context.Context, _ peer.ID, req *Request) (wire.Message, error) {
				var br wire.BidRequest
				if err := req.Decode(&br); err != nil {
					return nil, err
				}
				return &wire.Bid{TaskID: br.TaskID, Accept: true, Price: br.MaxPrice}, nil
			})
			ctx := context.Background()
			req := &wire.BidRequest{JobID: "job-1", TaskID: "task-1", Engine: "wasm",
				Resources: wire.Capacity{MilliCPU: 1000, MemoryBytes: 256 << 20}, TimeoutMs: 10000, MaxPrice: 5000}
			var bid wire.Bid
			if err := cli.Call(ctx, srv.ID(), wire.ProtocolBid, req, &bid, wire.MaxControlMessage); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := cli.Call(ctx, srv.ID(), wire.ProtocolBid, req, &bid, wire.MaxControlMessage); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
