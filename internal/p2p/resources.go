package p2p

import (
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Resource budget the default limits are scaled to.
const (
	resourceMemory = 1 << 30 // bytes libp2p may hold in buffers
	resourceFDs    = 1024    // file descriptors for connections
)

// Per-peer caps on top of the scaled defaults. Memory is sized so that the
// largest message (wire.MaxBlob) fits one stream, and a peer can have two
// in flight on a protocol; frameReservation reserves at high priority,
// which may use up to 80% of a limit.
const (
	peerConns           = 8
	peerStreamsInbound  = 256
	peerStreamsOutbound = 512
	peerMemory          = 320 << 20
	protocolPeerMemory  = 2*wire.MaxBlob + wire.MaxBlob/2
	protocolMemory      = 768 << 20
	streamMemory        = wire.MaxBlob + wire.MaxBlob/2
	frameReservation    = network.ReservationPriorityHigh
)

// newResourceManager builds the resource manager: libp2p's default limits
// scaled to resourceMemory and resourceFDs, with explicit per-peer caps and
// system connection limits that follow maxPeers.
func newResourceManager(maxPeers int) (network.ResourceManager, error) {
	scaling := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&scaling)
	scaled := scaling.Scale(resourceMemory, resourceFDs)

	conns := rcmgr.LimitVal(2 * maxPeers)
	overrides := rcmgr.PartialLimitConfig{
		System: rcmgr.ResourceLimits{Conns: conns, ConnsInbound: conns, ConnsOutbound: conns},
		PeerDefault: rcmgr.ResourceLimits{
			Conns:           peerConns,
			ConnsInbound:    peerConns,
			ConnsOutbound:   peerConns,
			Streams:         peerStreamsInbound + peerStreamsOutbound,
			StreamsInbound:  peerStreamsInbound,
			StreamsOutbound: peerStreamsOutbound,
			Memory:          peerMemory,
		},
		ProtocolDefault:     rcmgr.ResourceLimits{Memory: protocolMemory},
		ProtocolPeerDefault: rcmgr.ResourceLimits{Memory: protocolPeerMemory},
		Stream:              rcmgr.ResourceLimits{Memory: streamMemory},
	}
	// The manager reports to Prometheus through its own trace reporter
	// unless told not to, independently of libp2p.DisableMetrics.
	mgr, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(overrides.Build(scaled)),
		rcmgr.WithMetricsDisabled())
	if err != nil {
		return nil, fmt.Errorf("p2p: resource manager: %w", err)
	}
	return mgr, nil
}

// newConnManager keeps between 80% and 100% of maxPeers connections,
// sparing new ones for a minute.
func newConnManager(maxPeers int) (*connmgr.BasicConnMgr, error) {
	low := max(1, maxPeers*4/5)
	cm, err := connmgr.NewConnManager(low, maxPeers, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("p2p: connection manager: %w", err)
	}
	return cm, nil
}
