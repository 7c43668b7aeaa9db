package p2p

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Names that keep OpenSky peers among themselves.
const (
	// DHTProtocolPrefix prefixes the Kademlia protocol IDs, so that the
	// OpenSky DHT never mixes with the public IPFS one.
	DHTProtocolPrefix = "/opensky"
	// DiscoveryNamespace is where providers advertise themselves in the
	// DHT.
	DiscoveryNamespace = "opensky/providers/1"
	// MDNSServiceName is the service name announced on the local network.
	MDNSServiceName = "opensky"
	// DefaultMaxPeers is the connection manager's high water mark when
	// Config.MaxPeers is zero.
	DefaultMaxPeers = 128
	// maxMaxPeers keeps MaxPeers within what the resource limits can hold.
	maxMaxPeers = 4096
)

// DefaultListenAddrs are used when Config.ListenAddrs is empty: loopback
// only, on ports chosen by the system, over TCP and QUIC.
var DefaultListenAddrs = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}

// Config describes a Host.
type Config struct {
	// PrivKey is the host's identity; it must be an ed25519 key, the only
	// kind wire envelopes accept.
	PrivKey crypto.PrivKey
	// ListenAddrs are multiaddrs to listen on (default DefaultListenAddrs).
	ListenAddrs []string
	// Bootstrap are full multiaddrs, ending in /p2p/<id>, of peers to
	// connect to at start and to seed the DHT with.
	Bootstrap []string
	// MDNS enables discovery of peers on the local network.
	MDNS bool
	// DHT enables the Kademlia DHT, needed by Advertise and FindPeers.
	DHT bool
	// DHTServer makes this host answer DHT queries; otherwise it is a DHT
	// client only. It requires DHT.
	DHTServer bool
	// Logger receives the host's logs (default: discarded).
	Logger *slog.Logger
	// MaxPeers is how many connections the connection manager keeps
	// (default DefaultMaxPeers).
	MaxPeers int
}

// Validate reports the first thing wrong with the configuration.
func (c *Config) Validate() error {
	if c.PrivKey == nil {
		return errors.New("p2p config: privKey is required")
	}
	if c.PrivKey.Type() != crypto.Ed25519 {
		return fmt.Errorf("p2p config: privKey is %s, want Ed25519", c.PrivKey.Type())
	}
	for i, s := range c.ListenAddrs {
		if _, err := ma.NewMultiaddr(s); err != nil {
			return fmt.Errorf("p2p config: listenAddrs[%d] %q: %w", i, s, err)
		}
	}
	self, err := peer.IDFromPrivateKey(c.PrivKey)
	if err != nil {
		return fmt.Errorf("p2p config: privKey: %w", err)
	}
	for i, s := range c.Bootstrap {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil {
			return fmt.Errorf("p2p config: bootstrap[%d] %q: want a multiaddr ending in /p2p/<id>: %w", i, s, err)
		}
		if ai.ID == self {
			return fmt.Errorf("p2p config: bootstrap[%d] %q is this host", i, s)
		}
	}
	if c.DHTServer && !c.DHT {
		return errors.New("p2p config: dhtServer requires dht")
	}
	if c.MaxPeers < 0 || c.MaxPeers > maxMaxPeers {
		return fmt.Errorf("p2p config: maxPeers %d is outside [0, %d]", c.MaxPeers, maxMaxPeers)
	}
	return nil
}

// withDefaults returns a copy of c with empty fields set to their defaults.
func (c Config) withDefaults() Config {
	if len(c.ListenAddrs) == 0 {
		c.ListenAddrs = DefaultListenAddrs
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxPeers == 0 {
		c.MaxPeers = DefaultMaxPeers
	}
	return c
}

// bootstrapPeers parses the validated bootstrap addresses, merging
// addresses of the same peer.
func (c *Config) bootstrapPeers() []peer.AddrInfo {
	var infos []peer.AddrInfo
	index := map[peer.ID]int{}
	for _, s := range c.Bootstrap {
		ai, err := peer.AddrInfoFromString(s)
		if err != nil {
			continue // Validate has reported it
		}
		if i, ok := index[ai.ID]; ok {
			infos[i].Addrs = append(infos[i].Addrs, ai.Addrs...)
			continue
		}
		index[ai.ID] = len(infos)
		infos = append(infos, *ai)
	}
	return infos
}
