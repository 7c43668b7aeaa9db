package p2p

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

func TestConfigValidate(t *testing.T) {
	key := newKey(t)
	self, err := peer.IDFromPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	other, err := peer.IDFromPrivateKey(newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	secp, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*Config)
		want string // substring of the error; empty for a valid config
	}{
		{"defaults", func(*Config) {}, ""},
		{"full", func(c *Config) {
			c.Bootstrap = []string{"/ip4/127.0.0.1/tcp/4001/p2p/" + other.String()}
			c.DHT, c.DHTServer, c.MDNS, c.MaxPeers = true, true, true, 50
		}, ""},
		{"no key", func(c *Config) { c.PrivKey = nil }, "privKey is required"},
		{"secp256k1 key", func(c *Config) { c.PrivKey = secp }, "want Ed25519"},
		{"bad listen addr", func(c *Config) { c.ListenAddrs = []string{"127.0.0.1:4001"} }, "listenAddrs[0]"},
		{"bootstrap without id", func(c *Config) { c.Bootstrap = []string{"/ip4/127.0.0.1/tcp/4001"} }, "bootstrap[0]"},
		{"bootstrap is self", func(c *Config) { c.Bootstrap = []string{"/ip4/127.0.0.1/tcp/4001/p2p/" + self.String()} }, "is this host"},
		{"server without dht", func(c *Config) { c.DHTServer = true }, "dhtServer requires dht"},
		{"negative max peers", func(c *Config) { c.MaxPeers = -1 }, "maxPeers"},
	}
	for _, tc := range cases {
		cfg := Config{PrivKey: key}
		tc.edit(&cfg)
		err := cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	if _, err := New(testContext(t), Config{}); err == nil {
		t.Fatal("New started without a key")
	}
}

func TestBootstrapToleratesDownPeers(t *testing.T) {
	up := newHost(t, "up", nil)
	// TCP only: a closed TCP port refuses at once, where a QUIC dial
	// would wait out its handshake timeout.
	down := newHost(t, "down", func(c *Config) { c.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"} })
	downAddrs := down.Addrs()
	if err := down.Close(); err != nil {
		t.Fatal(err)
	}
	h := newHost(t, "h", func(c *Config) { c.Bootstrap = append(downAddrs, up.Addrs()...) })
	if !connected(h, up.ID()) {
		t.Fatal("not connected to the bootstrap peer that is up")
	}
	if connected(h, down.ID()) {
		t.Fatal("connected to a closed host")
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	h := newHost(t, "h", func(c *Config) { c.DHT, c.MDNS = true, true })
	for range 3 {
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(h.Peers()) != 0 {
		t.Fatal("peers left after Close")
	}
}
