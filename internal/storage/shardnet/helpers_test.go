package shardnet

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/shardstore"
	"github.com/opensky-network/opensky/internal/testlog"
)

var _ OwnerStore = (*shardstore.Disk)(nil)

// tcpOnly keeps test hosts on one transport, so that results do not
// depend on which one libp2p picks.
var tcpOnly = []string{"/ip4/127.0.0.1/tcp/0"}

// newHost starts a host on loopback and closes it when the test ends;
// boot, if given, is a host to connect to.
func newHost(t testing.TB, name string, listen []string, boot *p2p.Host) *p2p.Host {
	t.Helper()
	priv, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cfg := p2p.Config{PrivKey: priv, ListenAddrs: listen}
	if _, ok := t.(*testing.T); ok {
		cfg.Logger = testlog.New(t).With("host", name)
	}
	if boot != nil {
		cfg.Bootstrap = boot.Addrs()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := p2p.New(ctx, cfg)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() { _ = h.Close() })
	if boot != nil {
		deadline := time.Now().Add(30 * time.Second)
		for !slices.Contains(h.Peers(), boot.ID()) {
			if time.Now().After(deadline) {
				t.Fatalf("%s never connected", name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return h
}

// provider is a Disk served on its own host.
type provider struct {
	host *p2p.Host
	disk *shardstore.Disk
}

// newProvider serves a fresh Disk of the given capacity.
func newProvider(t testing.TB, capacity int64, listen []string, opts ...ServeOption) provider {
	t.Helper()
	opener := []shardstore.Option{}
	if tt, ok := t.(*testing.T); ok {
		opener = append(opener, shardstore.WithLogger(testlog.New(tt).With("store", "disk")))
		opts = append([]ServeOption{WithLogger(testlog.New(tt).With("host", "provider"))}, opts...)
	}
	d, err := shardstore.Open(t.TempDir(), capacity, opener...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	h := newHost(t, "provider", listen, nil)
	Serve(h, d, opts...)
	return provider{host: h, disk: d}
}

// client returns a client of p on a new host.
func (p provider) client(t testing.TB, name string) *Client {
	return NewClient(newHost(t, name, tcpOnly, p.host), p.host.ID())
}

// footprint is what a Disk charges for a shard.
func footprint(pieces int64) int64 { return pieces * (storage.PieceSize + 32) }
