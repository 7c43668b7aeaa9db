package wire

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// testKey returns a deterministic ed25519 key derived from seed.
func testKey(tb testing.TB, seed byte) crypto.PrivKey {
	tb.Helper()
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize)))
	if err != nil {
		tb.Fatal(err)
	}
	return priv
}

// sealRaw signs an arbitrary type and payload, bypassing Marshal, so tests
// can build envelopes that are validly signed but carry bad payloads.
func sealRaw(tb testing.TB, priv crypto.PrivKey, typ string, payload []byte) []byte {
	tb.Helper()
	pub, err := priv.GetPublic().Raw()
	if err != nil {
		tb.Fatal(err)
	}
	sig, err := priv.Sign(signedMessage(typ, payload))
	if err != nil {
		tb.Fatal(err)
	}
	return encodeEnvelope(pub, sig, typ, payload)
}

// samplePresence has a map, a slice and characters that JSON may escape.
func samplePresence() *Presence {
	return &Presence{
		Peer:    "12D3KooWexample",
		Seq:     7,
		Engines: []string{"wasm", "docker"},
		Total:   Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 100 << 30, GPUs: 1},
		Free:    Capacity{MilliCPU: 2500, MemoryBytes: 4 << 30},
		Running: 2,
		Labels:  map[string]string{"zone": "eu-<west>&1", "arch": "amd64", "note": "naïve ✓"},

		PricePerCPUSecond: 12,
		MinPrice:          1000,
		UnixMilli:         1700000000000,
	}
}
