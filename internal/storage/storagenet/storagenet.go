// Package storagenet runs a whole storage network in one process, on
// loopback: a gateway host with an orchestrator (for presence) and a
// storage broker, and storage providers, each a libp2p host serving a
// shard store on disk and announcing itself. Tests and the benchmark use
// it; every part is the real one.
package storagenet

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/shardnet"
	"github.com/opensky-network/opensky/internal/storage/shardstore"
)

// PresenceEvery is how often providers announce themselves, and
// FreshWithin how long the broker trusts a silent one.
const (
	PresenceEvery = 200 * time.Millisecond
	FreshWithin   = 4 * time.Second
)

// Net is a running storage network.
type Net struct {
	Broker *broker.Broker
	Gate   *p2p.Host

	dir    string
	log    *slog.Logger
	orch   *orchestrator.Orchestrator
	mu     sync.Mutex
	provs  []*Provider
	closed bool
}

// Provider is one storage provider of a Net.
type Provider struct {
	key    crypto.PrivKey
	dir    string
	host   *p2p.Host
	disk   *shardstore.Disk
	price  int64
	cancel context.CancelFunc
	done   chan struct{}
}

// Peer is the provider's peer ID.
func (p *Provider) Peer() string { return p.host.ID().String() }

// Disk is the provider's shard store.
func (p *Provider) Disk() *shardstore.Disk { return p.disk }

// Start runs a gateway with a broker configured by cfg (its FreshWithin
// and, unless set, AuditInterval are the network's) under dir.
func Start(ctx context.Context, dir string, cfg broker.Config, log *slog.Logger) (*Net, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Net{dir: dir, log: log}
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	if n.Gate, err = newHost(ctx, key, nil, log.With("node", "gateway")); err != nil {
		return nil, err
	}
	n.orch, err = orchestrator.New(n.Gate, orchestrator.Config{DataDir: filepath.Join(dir, "orchestrator"),
		PresenceTimeout: FreshWithin, Logger: log.With("node", "orchestrator")})
	if err == nil {
		err = n.orch.Start(ctx)
	}
	if err != nil {
		_ = n.Gate.Close()
		return nil, err
	}
	cfg.FreshWithin = FreshWithin
	if cfg.AuditInterval == 0 {
		cfg.AuditInterval = -1
	}
	if cfg.Logger == nil {
		cfg.Logger = log.With("node", "broker")
	}
	n.Broker, err = broker.New(filepath.Join(dir, "broker.db"), n.orch, shardnet.Dialer{Host: n.Gate}, nil, cfg)
	if err != nil {
		_ = n.orch.Close()
		_ = n.Gate.Close()
		return nil, err
	}
	return n, nil
}

// Close stops everything.
func (n *Net) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	provs := n.provs
	n.mu.Unlock()
	errs := []error{n.Broker.Close()}
	for _, p := range provs {
		p.Stop()
	}
	errs = append(errs, n.orch.Close(), n.Gate.Close())
	return errors.Join(errs...)
}

// Providers returns the providers started so far, in order.
func (n *Net) Providers() []*Provider {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*Provider(nil), n.provs...)
}

// AddProvider starts a new provider renting out capacity bytes at
// pricePerGBMonth micro-USD.
func (n *Net) AddProvider(ctx context.Context, capacity, pricePerGBMonth int64) (*Provider, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	p := &Provider{key: key, dir: filepath.Join(n.dir, fmt.Sprintf("provider-%d", len(n.provs))), price: pricePerGBMonth}
	n.provs = append(n.provs, p)
	n.mu.Unlock()
	return p, n.Restart(ctx, p, capacity)
}

// Restart brings a stopped provider back, with its key and its disk.
func (n *Net) Restart(ctx context.Context, p *Provider, capacity int64) error {
	h, err := newHost(ctx, p.key, n.Gate.Addrs(), n.log.With("node", p.dir))
	if err != nil {
		return err
	}
	disk, err := shardstore.Open(p.dir, capacity)
	if err != nil {
		_ = h.Close()
		return err
	}
	p.host, p.disk = h, disk
	shardnet.Serve(h, disk)
	actx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.announce(actx)
	return nil
}

func (p *Provider) announce(ctx context.Context) {
	defer close(p.done)
	boot := time.Now().UnixNano()
	var seq uint64
	t := time.NewTicker(PresenceEvery)
	defer t.Stop()
	for {
		seq++
		_ = p.host.PublishPresence(ctx, wire.Presence{Boot: boot, Seq: seq, UnixMilli: time.Now().UnixMilli(),
			Storage: &wire.StorageOffer{TotalBytes: p.disk.Capacity(), FreeBytes: p.disk.Free(), PricePerGBMonth: p.price}})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stop takes the provider off the network: no more presence, host and
// disk closed. Its data stays for Restart.
func (p *Provider) Stop() {
	if p.cancel == nil {
		return
	}
	p.cancel()
	<-p.done
	p.cancel = nil
	_ = p.host.Close()
	_ = p.disk.Close()
}

// WaitLive waits until the broker sees exactly want live providers.
func (n *Net) WaitLive(ctx context.Context, want int) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		got := len(n.Broker.Online(ctx))
		if got == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("storagenet: the broker sees %d live providers, want %d", got, want)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func newKey() (crypto.PrivKey, error) {
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	return k, err
}

func newHost(ctx context.Context, key crypto.PrivKey, boot []string, log *slog.Logger) (*p2p.Host, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return p2p.New(ctx, p2p.Config{PrivKey: key, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: boot, Logger: log})
}
