package wire

import "testing"

func benchBid() *BidRequest {
	return &BidRequest{JobID: "job-1", TaskID: "task-1", Engine: "wasm",
		Resources: Capacity{MilliCPU: 1000, MemoryBytes: 256 << 20}, TimeoutMs: 10000, MaxPrice: 5000}
}

func BenchmarkSeal(b *testing.B) {
	priv, m := testKey(b, 1), benchBid()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Seal(priv, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	sealed, err := Seal(testKey(b, 1), benchBid())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var m BidRequest
		if _, err := Open(sealed, MaxControlMessage, &m); err != nil {
			b.Fatal(err)
		}
	}
}
