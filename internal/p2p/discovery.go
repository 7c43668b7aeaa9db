package p2p

import (
	"context"
	"errors"
	"fmt"
	"time"

	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
)

// ErrNoDHT is returned by Advertise and FindPeers on a host started without
// the DHT.
var ErrNoDHT = errors.New("p2p: dht is disabled")

// Timing of DHT advertisement.
const (
	// routingPoll is how often Advertise and FindPeers look whether the
	// routing table has a peer yet.
	routingPoll = 100 * time.Millisecond
	// readvertiseRetry is how long to wait after a failed re-advertisement.
	readvertiseRetry = time.Minute
)

// startDHT starts the Kademlia DHT under DHTProtocolPrefix, as a server or
// a client, seeded with the bootstrap peers.
func (h *Host) startDHT(server bool, boot []peer.AddrInfo) error {
	mode := dht.ModeClient
	if server {
		mode = dht.ModeServer
	}
	kad, err := dht.New(h.host,
		dht.ProtocolPrefix(DHTProtocolPrefix),
		dht.Mode(mode),
		dht.BootstrapPeers(boot...),
	)
	if err != nil {
		return fmt.Errorf("p2p: start dht: %w", err)
	}
	h.kad = kad
	h.disc = drouting.NewRoutingDiscovery(kad)
	return nil
}

// Advertise announces this host in the DHT under DiscoveryNamespace. It
// waits for the routing table to hold a peer, announces once, and keeps
// announcing in the background before the record lapses until Close.
func (h *Host) Advertise(ctx context.Context) error {
	if h.kad == nil {
		return ErrNoDHT
	}
	if err := h.waitRoutable(ctx); err != nil {
		return err
	}
	ttl, err := h.disc.Advertise(ctx, DiscoveryNamespace)
	if err != nil {
		return fmt.Errorf("p2p: advertise: %w", err)
	}
	h.advertising.Do(func() {
		h.wg.Go(func() { h.readvertise(ttl) })
	})
	return nil
}

// readvertise renews the advertisement until the host closes.
func (h *Host) readvertise(ttl time.Duration) {
	wait := ttl * 7 / 8
	for {
		t := time.NewTimer(wait)
		select {
		case <-h.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		next, err := h.disc.Advertise(h.ctx, DiscoveryNamespace)
		if err != nil {
			h.log.Warn("re-advertising failed", "err", err)
			wait = readvertiseRetry
			continue
		}
		wait = next * 7 / 8
	}
}

// FindPeers looks up the hosts advertised under DiscoveryNamespace,
// connects to each, and returns those it is connected to. It waits for the
// routing table to hold a peer first.
func (h *Host) FindPeers(ctx context.Context) ([]peer.AddrInfo, error) {
	if h.kad == nil {
		return nil, ErrNoDHT
	}
	if err := h.waitRoutable(ctx); err != nil {
		return nil, err
	}
	found, err := h.disc.FindPeers(ctx, DiscoveryNamespace)
	if err != nil {
		return nil, fmt.Errorf("p2p: find peers: %w", err)
	}
	var out []peer.AddrInfo
	for ai := range found {
		if ai.ID == h.host.ID() {
			continue
		}
		h.connectFound(ai, "dht")
		if h.host.Network().Connectedness(ai.ID) == network.Connected {
			out = append(out, ai)
		}
	}
	if err := ctx.Err(); err != nil && len(out) == 0 {
		return nil, fmt.Errorf("p2p: find peers: %w", err)
	}
	return out, nil
}

// waitRoutable returns once the DHT routing table holds at least one peer.
func (h *Host) waitRoutable(ctx context.Context) error {
	if h.kad.RoutingTable().Size() > 0 {
		return nil
	}
	tick := time.NewTicker(routingPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("p2p: no dht peer yet: %w", ctx.Err())
		case <-h.ctx.Done():
			return fmt.Errorf("p2p: host closed: %w", h.ctx.Err())
		case <-tick.C:
			if h.kad.RoutingTable().Size() > 0 {
				return nil
			}
		}
	}
}
