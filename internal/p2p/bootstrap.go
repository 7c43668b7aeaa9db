package p2p

import (
	"context"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// dialTimeout bounds one attempt to reach a bootstrap or discovered peer.
const dialTimeout = 15 * time.Second

// connectBootstrap dials the bootstrap peers in parallel. Peers that cannot
// be reached are logged; the host runs without them.
func (h *Host) connectBootstrap(ctx context.Context, peers []peer.AddrInfo) {
	if len(peers) == 0 {
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	reached := 0
	for _, ai := range peers {
		wg.Go(func() {
			dctx, cancel := context.WithTimeout(ctx, dialTimeout)
			defer cancel()
			if err := h.host.Connect(dctx, ai); err != nil {
				h.log.Warn("bootstrap peer unreachable", "peer", ai.ID, "addrs", ai.Addrs, "err", err)
				return
			}
			mu.Lock()
			reached++
			mu.Unlock()
		})
	}
	wg.Wait()
	if reached == 0 {
		h.log.Warn("no bootstrap peer reachable", "tried", len(peers))
		return
	}
	h.log.Info("connected to bootstrap peers", "reached", reached, "tried", len(peers))
}

// connectFound dials a peer that discovery reported, unless it is this
// host or already connected.
func (h *Host) connectFound(ai peer.AddrInfo, via string) {
	if ai.ID == h.host.ID() || h.host.Network().Connectedness(ai.ID) == network.Connected {
		return
	}
	ctx, cancel := context.WithTimeout(h.ctx, dialTimeout)
	defer cancel()
	if err := h.host.Connect(ctx, ai); err != nil {
		h.log.Debug("discovered peer unreachable", "via", via, "peer", ai.ID, "err", err)
		return
	}
	h.log.Debug("connected to discovered peer", "via", via, "peer", ai.ID)
}
