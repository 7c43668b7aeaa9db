package orchestrator

import (
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p"
)

// LatencyMeter is an optional capability of a Network: the smoothed round
// trip to a peer, zero when it has not been measured. The selection
// pipeline prefers providers close on the network; without it every
// provider scores as unmeasured.
type LatencyMeter interface {
	Latency(p peer.ID) time.Duration
}

// maxCachedIDs bounds the registry's cache of decoded peer IDs.
const maxCachedIDs = 2 * maxPresence

// measure notes each candidate's latency, when net can tell it.
func (r *registry) measure(net Network, cs []selection.Candidate) {
	m, ok := net.(LatencyMeter)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids == nil || len(r.ids) > maxCachedIDs {
		r.ids = make(map[string]peer.ID, len(cs))
	}
	for i := range cs {
		c := &cs[i]
		id, ok := r.ids[c.Peer]
		if !ok {
			var err error
			if id, err = peer.Decode(c.Peer); err != nil {
				continue
			}
			r.ids[c.Peer] = id
		}
		c.Latency = m.Latency(id)
	}
}

var _ LatencyMeter = (*p2p.Host)(nil)
