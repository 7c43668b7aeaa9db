package polkadot

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"

	"github.com/centrifuge/go-substrate-rpc-client/v4/registry/test"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types"
	"github.com/centrifuge/go-substrate-rpc-client/v4/types/codec"
)

// westendMetadataBytes returns the westend-dev runtime's metadata captured
// from Gossamer.
func westendMetadataBytes(t testing.TB) []byte {
	t.Helper()
	gz, err := os.ReadFile(westendMetadataFile)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// westendMetadata decodes a fresh copy of the westend-dev metadata; tests
// may change it.
func westendMetadata(t testing.TB) *types.Metadata {
	t.Helper()
	meta, err := decodeMetadata(hexBytes(westendMetadataBytes(t)))
	if err != nil {
		t.Fatal(err)
	}
	return meta
}

// statemintMetadata decodes a fresh copy of the Statemint (Asset Hub)
// metadata bundled with go-substrate-rpc-client.
func statemintMetadata(t testing.TB) *types.Metadata {
	t.Helper()
	var meta types.Metadata
	if err := codec.DecodeFromHex(test.StatemintMetaHex, &meta); err != nil {
		t.Fatal(err)
	}
	return &meta
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustParseHash parses a hash literal.
func mustParseHash(t testing.TB, s string) Hash {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
