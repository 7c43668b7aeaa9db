package orchestrator

import (
	"sort"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// presenceTable is the orchestrator's view of live providers, fed by
// signed GossipSub announcements.
type presenceTable struct {
	mu      sync.Mutex
	peers   map[string]presenceEntry
	changed chan struct{} // closed and replaced on every announcement
	started time.Time
}

type presenceEntry struct {
	p    wire.Presence
	seen time.Time
}

func newPresenceTable() *presenceTable {
	return &presenceTable{peers: map[string]presenceEntry{}, changed: make(chan struct{}), started: time.Now()}
}

// observe records an announcement. Announcements older than the newest
// one from the same provider are ignored.
func (t *presenceTable) observe(from peer.ID, p wire.Presence) {
	if p.Peer != from.String() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.peers[p.Peer]; ok && old.p.Seq > p.Seq {
		return
	}
	t.peers[p.Peer] = presenceEntry{p: p, seen: time.Now()}
	close(t.changed)
	t.changed = make(chan struct{})
}

// wait returns a channel closed at the next announcement.
func (t *presenceTable) wait() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changed
}

// lastSeen says when a provider last announced itself; a provider never
// seen since this orchestrator started counts as seen at start, so that a
// restart gives providers one timeout to reappear.
func (t *presenceTable) lastSeen(p string) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.peers[p]; ok {
		return e.seen
	}
	return t.started
}

// candidates snapshots the table for selection.
func (t *presenceTable) candidates(inflight func(string) wire.Capacity) []selection.Candidate {
	t.mu.Lock()
	out := make([]selection.Candidate, 0, len(t.peers))
	for id, e := range t.peers {
		out = append(out, selection.Candidate{Peer: id, Presence: e.p, LastSeen: e.seen})
	}
	t.mu.Unlock()
	for i := range out {
		out[i].InFlight = inflight(out[i].Peer)
	}
	return out
}

func (t *presenceTable) get(p string) (wire.Presence, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.peers[p]
	return e.p, ok
}

func (t *presenceTable) list(inflight func(string) wire.Capacity) []api.Provider {
	var out []api.Provider
	for _, c := range t.candidates(inflight) {
		p := c.Presence
		out = append(out, api.Provider{
			Peer:              c.Peer,
			Engines:           p.Engines,
			Total:             api.Capacity(p.Total),
			Free:              api.Capacity(p.Free),
			Running:           p.Running,
			Labels:            p.Labels,
			PricePerCPUSecond: p.PricePerCPUSecond,
			MinPrice:          p.MinPrice,
			LastSeen:          c.LastSeen,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Peer < out[j].Peer })
	return out
}
