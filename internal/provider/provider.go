package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/blob"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Network is what a provider needs of its libp2p host.
type Network interface {
	ID() peer.ID
	PrivKey() crypto.PrivKey
	Call(ctx context.Context, p peer.ID, proto string, req, resp wire.Message, maxResp int) error
	Handle(proto string, maxReq int, fn p2p.Handler)
	PublishPresence(ctx context.Context, p wire.Presence) error
}

// Config tunes a provider. Zero values take the defaults.
type Config struct {
	// DataDir holds task work directories and the blob cache.
	DataDir string
	// Capacity is what the provider offers; zero fields are detected.
	Capacity wire.Capacity
	// MaxTasks bounds concurrent tasks (0: only capacity bounds them).
	MaxTasks int
	// PricePerCPUSecond and MinPrice are in micro-USD.
	PricePerCPUSecond int64
	MinPrice          int64
	Labels            map[string]string
	// PresenceInterval is how often the provider announces itself
	// (default 1s).
	PresenceInterval time.Duration
	// BidHold is how long an accepted bid's reservation waits for its
	// dispatch (default 10s).
	BidHold time.Duration
	// DeliveryTimeout bounds how long a result is retried towards an
	// orchestrator that does not answer (default 2m).
	DeliveryTimeout time.Duration
	// StagingTimeout bounds staging a task's inputs and module, and
	// PullTimeout making sure its image is present, when the task names
	// no bound of its own (defaults 5m and 10m). Neither counts against
	// the task's run timeout.
	StagingTimeout time.Duration
	PullTimeout    time.Duration
	// OutputBytes bounds the captured stdout and stderr of a task (each).
	OutputBytes int64
	// Storage, when set, reports the disk space the provider rents out
	// for stored objects; it is announced with the provider's presence.
	Storage func() *wire.StorageOffer
	Logger  *slog.Logger
}

func (c *Config) setDefaults() {
	if c.PresenceInterval <= 0 {
		c.PresenceInterval = time.Second
	}
	if c.BidHold <= 0 {
		c.BidHold = 10 * time.Second
	}
	if c.DeliveryTimeout <= 0 {
		c.DeliveryTimeout = 2 * time.Minute
	}
	if c.StagingTimeout <= 0 {
		c.StagingTimeout = 5 * time.Minute
	}
	if c.PullTimeout <= 0 {
		c.PullTimeout = 10 * time.Minute
	}
	if c.OutputBytes <= 0 {
		c.OutputBytes = executor.DefaultOutputBytes
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Provider runs tasks for orchestrators.
type Provider struct {
	cfg   Config
	log   *slog.Logger
	net   Network
	execs map[string]executor.Executor
	blobs *blob.Store
	work  *workdirs
	adm   *admission
	boot  int64
	seq   atomic.Uint64

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]*runningTask
	closed  bool
}

type runningTask struct {
	from   peer.ID
	cancel context.CancelCauseFunc
}

// New builds a provider over net with the given executors.
func New(net Network, execs []executor.Executor, cfg Config) (*Provider, error) {
	cfg.setDefaults()
	if cfg.DataDir == "" {
		return nil, errors.New("provider: data directory is required")
	}
	if len(execs) == 0 {
		return nil, errors.New("provider: at least one executor is required")
	}
	work, err := newWorkdirs(filepath.Join(cfg.DataDir, "tasks"), 64)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	detected, err := DetectCapacity(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	total := cfg.Capacity
	if total.MilliCPU <= 0 {
		total.MilliCPU = detected.MilliCPU
	}
	if total.MemoryBytes <= 0 {
		total.MemoryBytes = detected.MemoryBytes
	}
	if total.DiskBytes <= 0 {
		total.DiskBytes = detected.DiskBytes
	}
	blobs, err := blob.Open(filepath.Join(cfg.DataDir, "blobs"), 256<<20)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		cfg: cfg, log: cfg.Logger, net: net, blobs: blobs, work: work,
		execs:   map[string]executor.Executor{},
		adm:     newAdmission(total, cfg.MaxTasks),
		boot:    time.Now().UnixNano(),
		running: map[string]*runningTask{},
	}
	for _, e := range execs {
		p.execs[string(e.Engine())] = e
	}
	return p, nil
}

// Engines lists the engines this provider runs.
func (p *Provider) Engines() []string {
	var out []string
	for e := range p.execs {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// Start registers the provider's protocols and starts announcing it.
func (p *Provider) Start(ctx context.Context) error {
	p.ctx, p.cancel = context.WithCancel(context.WithoutCancel(ctx))
	p.net.Handle(wire.ProtocolBid, wire.MaxControlMessage, p.handleBid)
	p.net.Handle(wire.ProtocolDispatch, wire.MaxDispatch, p.handleDispatch)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.announceLoop()
	}()
	return nil
}

// Close cancels running tasks and stops the provider.
func (p *Provider) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
	return nil
}

func (p *Provider) announceLoop() {
	t := time.NewTicker(p.cfg.PresenceInterval)
	defer t.Stop()
	for {
		if err := p.announce(); err != nil && p.ctx.Err() == nil {
			p.log.Debug("announce presence", "err", err)
		}
		select {
		case <-p.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// announce publishes the provider's presence and free capacity.
func (p *Provider) announce() error {
	free, held := p.adm.free()
	pr := wire.Presence{
		Peer:              p.net.ID().String(),
		Boot:              p.boot,
		Seq:               p.seq.Add(1),
		Engines:           p.Engines(),
		Total:             p.adm.total,
		Free:              free,
		Running:           int64(held),
		Labels:            withArch(p.cfg.Labels),
		PricePerCPUSecond: p.cfg.PricePerCPUSecond,
		MinPrice:          p.cfg.MinPrice,
		UnixMilli:         time.Now().UnixMilli(),
	}
	if p.cfg.Storage != nil {
		pr.Storage = p.cfg.Storage()
	}
	ctx, cancel := context.WithTimeout(p.ctx, p.cfg.PresenceInterval)
	defer cancel()
	return p.net.PublishPresence(ctx, pr)
}
