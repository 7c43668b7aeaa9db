package p2p

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"go.uber.org/fx"
)

// UserAgent is what the host tells peers it runs.
const UserAgent = "opensky"

// Host is an OpenSky node's presence on the network. It is safe for
// concurrent use.
type Host struct {
	host host.Host
	priv crypto.PrivKey
	log  *slog.Logger

	// ctx lives until Close; background work derives from it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	kad      *dht.IpfsDHT               // nil without the DHT
	disc     *drouting.RoutingDiscovery // nil without the DHT
	mdns     io.Closer                  // nil without mDNS
	pubsub   *pubsub.PubSub
	presence *pubsub.Topic

	advertising sync.Once
	closing     sync.Once
	closeErr    error
}

// New starts a host as cfg describes and connects it to the bootstrap
// peers it can reach; the unreachable ones are logged and left to the DHT
// to retry. ctx bounds the start only: the host runs until Close.
func New(ctx context.Context, cfg Config) (*Host, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()

	rm, err := newResourceManager(cfg.MaxPeers)
	if err != nil {
		return nil, err
	}
	cm, err := newConnManager(cfg.MaxPeers)
	if err != nil {
		_ = rm.Close()
		return nil, err
	}
	lh, err := libp2p.New(
		libp2p.Identity(cfg.PrivKey),
		libp2p.ListenAddrStrings(cfg.ListenAddrs...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.ResourceManager(rm),
		libp2p.ConnectionManager(cm),
		libp2p.DisableRelay(),
		// libp2p's Prometheus collectors register on the global registry
		// and cost several percent of CPU on every call; the gateway
		// exports its own metrics on a private registry.
		libp2p.DisableMetrics(),
		withoutEventBusMetrics(),
		libp2p.UserAgent(UserAgent),
	)
	if err != nil {
		_ = cm.Close()
		_ = rm.Close()
		return nil, fmt.Errorf("p2p: start libp2p: %w", err)
	}

	h := &Host{host: lh, priv: cfg.PrivKey, log: cfg.Logger}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	if err := h.start(ctx, &cfg); err != nil {
		_ = h.Close()
		return nil, err
	}
	h.log.Info("p2p host started", "peer", h.ID(), "addrs", h.Addrs(),
		"dht", cfg.DHT, "dhtServer", cfg.DHTServer, "mdns", cfg.MDNS)
	return h, nil
}

// withoutEventBusMetrics gives the host an event bus without a metrics
// tracer. libp2p v0.51 builds its bus with a Prometheus tracer on the global
// registry even under DisableMetrics; the decorator takes no input, so the
// built-in constructor never runs.
func withoutEventBusMetrics() libp2p.Option {
	return libp2p.WithFxOption(fx.Decorate(func() event.Bus { return eventbus.NewBus() }))
}

// start brings up the services on top of libp2p and joins the network.
func (h *Host) start(ctx context.Context, cfg *Config) error {
	boot := cfg.bootstrapPeers()
	if cfg.DHT {
		if err := h.startDHT(cfg.DHTServer, boot); err != nil {
			return err
		}
	}
	if err := h.startPubSub(); err != nil {
		return err
	}
	if cfg.MDNS {
		if err := h.startMDNS(); err != nil {
			return err
		}
	}
	h.connectBootstrap(ctx, boot)
	if h.kad != nil {
		if err := h.kad.Bootstrap(h.ctx); err != nil {
			return fmt.Errorf("p2p: bootstrap dht: %w", err)
		}
	}
	return nil
}

// ID returns the host's peer ID.
func (h *Host) ID() peer.ID { return h.host.ID() }

// PrivKey returns the host's identity key.
func (h *Host) PrivKey() crypto.PrivKey { return h.priv }

// Addrs returns the host's listen addresses as full multiaddrs ending in
// /p2p/<id>, ready to be given to another host as bootstrap.
func (h *Host) Addrs() []string {
	full, err := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: h.host.ID(), Addrs: h.host.Addrs()})
	if err != nil {
		return nil
	}
	out := make([]string, len(full))
	for i, a := range full {
		out[i] = a.String()
	}
	return out
}

// Connect dials the peer at addr, a full multiaddr ending in /p2p/<id>.
func (h *Host) Connect(ctx context.Context, addr string) error {
	ai, err := peer.AddrInfoFromString(addr)
	if err != nil {
		return fmt.Errorf("p2p: connect %q: %w", addr, err)
	}
	if err := h.host.Connect(ctx, *ai); err != nil {
		return fmt.Errorf("p2p: connect %s: %w", ai.ID, err)
	}
	return nil
}

// Latency is the smoothed round trip to p as the peerstore measured it,
// zero when it has not.
func (h *Host) Latency(p peer.ID) time.Duration { return h.host.Peerstore().LatencyEWMA(p) }

// Peers returns the peers the host is connected to.
func (h *Host) Peers() []peer.ID { return h.host.Network().Peers() }

// Close stops discovery, pubsub and the DHT, closes every connection and
// waits for the host's background work. It may be called more than once.
func (h *Host) Close() error {
	h.closing.Do(func() {
		h.cancel()
		var errs []error
		if h.mdns != nil {
			errs = append(errs, h.mdns.Close())
		}
		if h.kad != nil {
			errs = append(errs, h.kad.Close())
		}
		errs = append(errs, h.host.Close())
		h.wg.Wait()
		if h.closeErr = errors.Join(errs...); h.closeErr != nil {
			h.closeErr = fmt.Errorf("p2p: close: %w", h.closeErr)
		}
		h.log.Info("p2p host stopped", "peer", h.ID())
	})
	return h.closeErr
}
