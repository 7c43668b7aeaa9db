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
	// evictAfter drops providers silent for that long, so that the table
	// stays bounded by the providers actually alive.
	evictAfter time.Duration
}

// maxPresence bounds the table: announcements from new peers beyond it are
// ignored until stale entries are evicted.
const maxPresence = 10000

type presenceEntry struct {
	p    wire.Presence
	seen time.Time
}

func newPresenceTable(grace, evictAfter time.Duration) *presenceTable {
	return &presenceTable{peers: map[string]presenceEntry{}, changed: make(chan struct{}), started: time.Now().Add(grace), evictAfter: evictAfter}
}

// observe records an announcement. Announcements older than the newest
// one from the same provider are ignored.
func (t *presenceTable) observe(from peer.ID, p wire.Presence) {
	if p.Peer != from.String() {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	old, known := t.peers[p.Peer]
	if known && (old.p.Boot > p.Boot || old.p.Boot == p.Boot && old.p.Seq >= p.Seq) {
		return
	}
	if !known && len(t.peers) >= maxPresence {
		t.evict(now)
		if len(t.peers) >= maxPresence {
			return
		}
	}
	t.peers[p.Peer] = presenceEntry{p: p, seen: now}
	close(t.changed)
	t.changed = make(chan struct{})
}

func (t *presenceTable) evict(now time.Time) {
	for id, e := range t.peers {
		if now.Sub(e.seen) > t.evictAfter {
			delete(t.peers, id)
		}
	}
}

// restarted reports whether provider p runs a newer boot than boot.
func (t *presenceTable) restarted(p string, boot int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.peers[p]
	return ok && boot != 0 && e.p.Boot > boot
}

// wait returns a channel closed at the next announcement.
func (t *presenceTable) wait() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changed
}

// lastSeen says when a provider last announced itself. A provider not yet
// seen since this orchestrator started counts as seen a little after the
// start (see newPresenceTable), so that after a restart providers have time
// to reconnect before their tasks are given up.
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
	t.evict(time.Now())
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

func (t *presenceTable) list(inflight func(string) wire.Capacity) []api.Provider {
	var out []api.Provider
	for _, c := range t.candidates(inflight) {
		p := c.Presence
		var offer *api.StorageOffer
		if p.Storage != nil {
			o := api.StorageOffer(*p.Storage)
			offer = &o
		}
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
			Storage:           offer,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Peer < out[j].Peer })
	return out
}
