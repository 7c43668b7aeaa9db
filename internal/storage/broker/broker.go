package broker

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/storage"
)

// Errors callers test with errors.Is.
var (
	// ErrNotFound: no such object (or not the caller's).
	ErrNotFound = errors.New("storage: object not found")
	// ErrNoProviders: too few live providers with room to place every
	// shard on a distinct one.
	ErrNoProviders = errors.New("storage: not enough storage providers")
	// ErrBadRequest: an upload's description is invalid.
	ErrBadRequest = errors.New("storage: bad request")
)

// Directory is where the broker learns which providers are live and what
// they offer: the orchestrator's view of presence, with reputations and
// owners on a network that charges.
type Directory interface {
	Candidates(ctx context.Context) []selection.Candidate
}

// Dialer reaches a provider's shard store.
type Dialer interface {
	Store(peer string) (storage.ShardStore, error)
}

// Deals is the chain side of storage: the deal that pays an object's
// providers for each audit period they pass. Nil on a network without a
// chain; the broker then stores and audits without paying anyone.
type Deals interface {
	// Check makes sure o.Deal exists, is open, belongs to o.Owner, names
	// this node as its arbiter and holds enough to pay o's placements
	// (their PricePerGBMonth) for the deal's whole duration.
	Check(ctx context.Context, o *Object) error
	// Assign binds the deal to the stored object and its placements.
	Assign(ctx context.Context, o *Object) error
	// Audit reports one audit round: which shards passed.
	Audit(ctx context.Context, o *Object, passed map[int]bool) error
	// Replace moves shard i to its new placement after a repair.
	Replace(ctx context.Context, o *Object, i int) error
	// Close ends the deal and refunds what it still holds.
	Close(ctx context.Context, o *Object) error
}

// Config tunes a Broker. Zero fields take the defaults.
type Config struct {
	// Layout is used when an upload names none (default 10+4).
	Layout storage.Layout
	// RepairBelow: an object is repaired when fewer of its shards are
	// live (default Data + ceil(Parity/2)). Repair restores every shard.
	RepairBelow func(storage.Layout) int
	// FailLimit is how many audits in a row a shard may fail before it
	// is rebuilt elsewhere (default 3). A provider that says it does not
	// have the shard loses it at once.
	FailLimit int
	// AuditInterval is how often every object is audited and repaired
	// in the background (default 10 minutes; negative turns the loop
	// off, for tests that drive audits themselves).
	AuditInterval time.Duration
	// FreshWithin is how recent a provider's presence must be for it to
	// count as live (default 15s).
	FreshWithin time.Duration
	// Challenges is how many pieces one audit of one shard asks for
	// (default storage.AuditChallenges).
	Challenges int
	// Rand is where audit challenges come from (default crypto/rand);
	// tests make audits reproducible with a seeded stream.
	Rand io.Reader
	// MinReputation is the lowest chain reputation a provider may have
	// to receive shards (0: no floor).
	MinReputation float64
	// Timeout bounds one call to one provider that moves no bulk data:
	// leaves, proofs, stat, delete (default 30s).
	Timeout time.Duration
	Logger  *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Layout == (storage.Layout{}) {
		c.Layout = storage.DefaultLayout
	}
	if c.RepairBelow == nil {
		c.RepairBelow = func(l storage.Layout) int { return l.Data + (l.Parity+1)/2 }
	}
	if c.FailLimit <= 0 {
		c.FailLimit = 3
	}
	if c.AuditInterval == 0 {
		c.AuditInterval = 10 * time.Minute
	}
	if c.FreshWithin <= 0 {
		c.FreshWithin = 15 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Broker stores objects on the network. It is safe for concurrent use.
type Broker struct {
	cfg   Config
	log   *slog.Logger
	dir   Directory
	dial  Dialer
	deals Deals
	db    *objectStore

	// locks serialises the changes to one object (audit, repair,
	// delete), so that they never act on a stale placement.
	locks sync.Map // cid -> *sync.Mutex
	// randMu serialises the draws of audit challenges from cfg.Rand,
	// which need not be safe for concurrent use.
	randMu sync.Mutex

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New opens (or creates) the broker's object database at dbPath. deals
// may be nil. Call Start for the background audits and Close at the end.
func New(dbPath string, dir Directory, dial Dialer, deals Deals, cfg Config) (*Broker, error) {
	cfg.setDefaults()
	if err := cfg.Layout.Validate(); err != nil {
		return nil, err
	}
	db, err := openObjectStore(dbPath)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Broker{cfg: cfg, log: cfg.Logger, dir: dir, dial: dial, deals: deals, db: db, ctx: ctx, cancel: cancel}, nil
}

// Start runs the audit and repair loop until Close.
func (b *Broker) Start() {
	if b.cfg.AuditInterval < 0 {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.maintainLoop()
	}()
}

// Close stops the background work and closes the database.
func (b *Broker) Close() error {
	b.cancel()
	b.wg.Wait()
	return b.db.close()
}

// lock takes the object's mutex; the returned func releases it.
func (b *Broker) lock(cid string) func() {
	m, _ := b.locks.LoadOrStore(cid, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// Object returns the stored object cid. An owner other than the object's
// gets ErrNotFound; an empty owner sees every object.
func (b *Broker) Object(cid, owner string) (*Object, error) {
	o, err := b.db.get(cid)
	if err != nil {
		return nil, err
	}
	if owner != "" && o.Owner != owner {
		return nil, ErrNotFound
	}
	return o, nil
}

// List returns owner's objects, newest first (every object for "").
func (b *Broker) List(owner string) ([]*Object, error) { return b.db.list(owner) }

// Health reports how many of o's shards are on live providers and not
// known lost.
func (b *Broker) Health(ctx context.Context, o *Object) Health {
	return ObjectHealth(o, b.Online(ctx))
}

// ObjectHealth is o's health given the providers online (Online), so
// that a view of many objects reads presence once.
func ObjectHealth(o *Object, online map[string]bool) Health {
	h := Health{Total: o.Layout.Shards()}
	for _, p := range o.Shards {
		if online[p.Peer] && p.State != ShardLost {
			h.Live++
		}
	}
	h.Readable = h.Live >= o.Layout.Data
	return h
}

// Online reports, by peer ID, the providers whose presence is fresh.
func (b *Broker) Online(ctx context.Context) map[string]bool {
	after := time.Now().Add(-b.cfg.FreshWithin)
	m := map[string]bool{}
	for _, c := range b.dir.Candidates(ctx) {
		if c.LastSeen.After(after) {
			m[c.Peer] = true
		}
	}
	return m
}

// store dials a provider's shard store.
func (b *Broker) store(peer string) (storage.ShardStore, error) {
	s, err := b.dial.Store(peer)
	if err != nil {
		return nil, fmt.Errorf("reach provider %s: %w", short(peer), err)
	}
	return s, nil
}

// short abbreviates a peer ID for messages.
func short(peer string) string {
	if len(peer) > 12 {
		return "…" + peer[len(peer)-8:]
	}
	return peer
}
