package polkadot

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Files captured from the live node with -update.
const (
	westendMetadataFile = "testdata/westend-dev-metadata.scale.gz"
	eventsFile          = "testdata/westend-dev-events-transfer.scale"
	accountFile         = "testdata/westend-dev-account-alice.scale"
)

// capture saves what the unit and fuzz tests replay: the runtime's
// metadata, the events of block h (which holds the transfer), and the
// System.Account value of who.
func capture(ctx context.Context, t *testing.T, c *Client, h Hash, who [32]byte) {
	t.Helper()
	var hexMeta string
	if err := c.rpc.call(ctx, &hexMeta, "state_getMetadata"); err != nil {
		t.Fatal(err)
	}
	meta, err := parseHex(hexMeta)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(meta)
	zw.Close()
	writeFile(t, westendMetadataFile, gz.Bytes())

	rt, err := c.runtimeFor(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.rawEvents(ctx, rt, h)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, eventsFile, raw)
	writeFile(t, "testdata/fuzz/FuzzDecodeEvents/transfer", corpusEntry(raw))

	key, err := rt.accounts.systemKey(who)
	if err != nil {
		t.Fatal(err)
	}
	acct, ok, err := c.storage(ctx, key, h)
	if err != nil || !ok {
		t.Fatalf("System.Account of the sender: %v %v", ok, err)
	}
	writeFile(t, accountFile, acct)
	writeFile(t, "testdata/fuzz/FuzzDecodeAccount/alice", corpusEntry(acct))
}

// corpusEntry is b in the go test fuzz corpus format.
func corpusEntry(b []byte) []byte {
	return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b)
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", name, len(b))
}
