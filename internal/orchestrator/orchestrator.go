package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/blob"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// Network is what the orchestrator needs of its libp2p host.
type Network interface {
	ID() peer.ID
	Addrs() []string
	Call(ctx context.Context, p peer.ID, proto string, req, resp wire.Message, maxResp int) error
	Handle(proto string, maxReq int, fn p2p.Handler)
	SubscribePresence(ctx context.Context, fn func(from peer.ID, p wire.Presence)) error
}

// Config tunes the orchestrator. Zero values take the defaults.
type Config struct {
	// DataDir holds the job store, uploaded blobs and collected outputs.
	DataDir string
	// PresenceTimeout is how long a provider may stay silent before it is
	// considered gone (default 10s).
	PresenceTimeout time.Duration
	// MatchTimeout is how long a task may wait for a provider with room
	// for it (default 5m).
	MatchTimeout time.Duration
	// BidTimeout bounds one bid round trip (default 2s).
	BidTimeout time.Duration
	// BidFanout is how many ranked candidates are asked per round (default 3).
	BidFanout int
	// ResultGrace is how long after a task's timeout the orchestrator
	// still waits for its result (default 3m, longer than a provider's
	// delivery retries).
	ResultGrace time.Duration
	// MaxAttempts bounds the dispatches of one task: a task whose
	// provider is lost (presence lapsed, restarted, no result in time) is
	// matched again on another provider until it has been dispatched this
	// many times (default 3).
	MaxAttempts int
	// RetryBackoff is the wait before a lost task is matched again; it
	// doubles with every further loss, up to a minute (default 1s).
	RetryBackoff time.Duration
	// StagingTimeout bounds a task's staging (inputs and module) and
	// PullTimeout making sure its image is present, when the job sets no
	// bound of its own (defaults 5m and 10m). Neither counts against the
	// task's run timeout.
	StagingTimeout time.Duration
	PullTimeout    time.Duration
	// InlineInputBytes: blob inputs up to this size travel inside the
	// dispatch; larger ones are fetched by the provider (default 64 KiB).
	InlineInputBytes int64
	// Payments, when set, makes the network charge for jobs: a job must
	// name an escrow the orchestrator arbitrates, only registered providers
	// get tasks, and every terminal job is settled on the chain.
	Payments Payments
	// EscrowMargin is the least number of blocks a job's escrow must have
	// left before it expires when the job is submitted (default 20000).
	EscrowMargin int64
	// Version is reported by Node.
	Version string
	Logger  *slog.Logger
}

func (c *Config) setDefaults() {
	if c.PresenceTimeout <= 0 {
		c.PresenceTimeout = 10 * time.Second
	}
	if c.MatchTimeout <= 0 {
		c.MatchTimeout = 5 * time.Minute
	}
	if c.BidTimeout <= 0 {
		c.BidTimeout = 2 * time.Second
	}
	if c.BidFanout <= 0 {
		c.BidFanout = 3
	}
	if c.ResultGrace <= 0 {
		c.ResultGrace = 3 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = time.Second
	}
	if c.StagingTimeout <= 0 {
		c.StagingTimeout = 5 * time.Minute
	}
	if c.PullTimeout <= 0 {
		c.PullTimeout = 10 * time.Minute
	}
	if c.InlineInputBytes <= 0 {
		c.InlineInputBytes = 64 << 10
	}
	if c.EscrowMargin <= 0 {
		c.EscrowMargin = 20_000
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Orchestrator owns jobs from submission to a terminal phase. It implements
// gateway.Backend.
type Orchestrator struct {
	cfg      Config
	log      *slog.Logger
	net      Network
	store    *jobStore
	blobs    *blob.Store
	outputs  string
	pipeline selection.Pipeline
	presence *presenceTable
	reg      registry

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	jobs  map[string]*jobState // jobs not yet terminal, and recent ones
	tasks map[string]*taskRun  // dispatched tasks by task ID
	load  map[string]wire.Capacity
	freed chan struct{}
	// ready is set once stored jobs have been resumed and their running
	// tasks registered, so that results can find them.
	ready atomic.Bool
	// serving guards the store for protocol handlers: Close takes it for
	// writing, so no handler is half-way through a result when the store
	// closes, and later ones are told to come back.
	serving sync.RWMutex
	closed  bool
}

var _ gateway.Backend = (*Orchestrator)(nil)

// New opens the orchestrator's store under cfg.DataDir and registers its
// protocol handlers on net. Call Start to resume stored jobs and begin.
func New(net Network, cfg Config) (*Orchestrator, error) {
	cfg.setDefaults()
	if cfg.DataDir == "" {
		return nil, errors.New("orchestrator: data directory is required")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("orchestrator: %w", err)
	}
	st, err := openJobStore(filepath.Join(cfg.DataDir, "jobs.db"), cfg.Logger)
	if err != nil {
		return nil, err
	}
	blobs, err := blob.Open(filepath.Join(cfg.DataDir, "blobs"), 256<<20)
	if err != nil {
		st.close()
		return nil, err
	}
	o := &Orchestrator{
		cfg:      cfg,
		log:      cfg.Logger,
		net:      net,
		store:    st,
		blobs:    blobs,
		outputs:  filepath.Join(cfg.DataDir, "outputs"),
		pipeline: selection.Default(),
		presence: newPresenceTable(2*cfg.PresenceTimeout, 10*cfg.PresenceTimeout),
		jobs:     map[string]*jobState{},
		tasks:    map[string]*taskRun{},
	}
	net.Handle(wire.ProtocolResult, wire.MaxResult, o.handleResult)
	net.Handle(wire.ProtocolBlob, wire.MaxControlMessage, o.handleBlob)
	net.Handle(wire.ProtocolLogs, wire.MaxControlMessage, o.handleLogs)
	net.Handle(wire.ProtocolPhase, wire.MaxControlMessage, o.handlePhase)
	return o, nil
}

// Start subscribes to presence and resumes every stored job that is not
// terminal. The orchestrator runs until Close.
func (o *Orchestrator) Start(ctx context.Context) error {
	o.ctx, o.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := o.net.SubscribePresence(o.ctx, o.presence.observe); err != nil {
		return fmt.Errorf("orchestrator: subscribe presence: %w", err)
	}
	var resume, unsettled []*api.Job
	err := o.store.each(func(j *api.Job) error {
		if !j.Phase.Terminal() {
			resume = append(resume, j)
		} else if j.Payment != nil && j.Payment.State == api.PaymentHeld {
			unsettled = append(unsettled, j)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("orchestrator: load jobs: %w", err)
	}
	type prepared struct {
		js     *jobState
		ctx    context.Context
		cancel context.CancelCauseFunc
	}
	states := make([]prepared, 0, len(resume))
	for _, j := range resume {
		o.log.Info("resuming job", "job", j.ID, "phase", j.Phase)
		js := newJobState(j)
		js.resumed = map[int]*taskRun{}
		ctx, cancel := o.prepare(js)
		o.mu.Lock()
		o.jobs[j.ID] = js
		o.mu.Unlock()
		// Tasks a provider holds wait for its result: register them before
		// any result is accepted.
		for idx, t := range j.Tasks {
			if !t.Phase.Dispatched() || t.Provider == "" {
				continue
			}
			pid, err := peer.Decode(t.Provider)
			if err != nil {
				o.log.Error("stored task has a bad provider", "task", t.ID, "err", err)
				continue
			}
			run := o.newRun(j, idx, pid, nonEmpty(t.Attempt, t.ID))
			run.boot, run.price, run.minPrice = t.ProviderBoot, t.BidPrice, t.MinPrice
			run.resumePhase(&t)
			js.resumed[idx] = run
			o.register(run)
		}
		states = append(states, prepared{js, ctx, cancel})
	}
	o.ready.Store(true)
	for _, p := range states {
		o.launch(p.ctx, p.cancel, p.js)
	}
	for _, j := range unsettled {
		o.log.Info("settling job", "job", j.ID, "escrow", j.Payment.Escrow)
		o.settle(newJobState(j))
	}
	return nil
}

// Close stops every job goroutine (jobs stay persisted and resume on the
// next Start) and closes the store.
func (o *Orchestrator) Close() error {
	o.serving.Lock()
	o.closed = true
	o.serving.Unlock()
	if o.cancel != nil {
		o.cancel()
	}
	o.wg.Wait()
	return o.store.close()
}

// enter admits a protocol handler while the orchestrator is open and ready;
// otherwise the peer is told to retry. The caller defers the returned func.
func (o *Orchestrator) enter() (func(), error) {
	o.serving.RLock()
	if o.closed || !o.ready.Load() {
		o.serving.RUnlock()
		return nil, &p2p.RemoteError{Code: wire.CodeUnavailable, Message: "orchestrator is starting or stopping"}
	}
	return o.serving.RUnlock, nil
}

// Node describes this orchestrator's peer.
func (o *Orchestrator) Node(context.Context) api.Node {
	return api.Node{Peer: o.net.ID().String(), Addrs: o.net.Addrs(), Version: o.cfg.Version}
}

// Providers lists the providers currently announcing themselves.
func (o *Orchestrator) Providers(context.Context) ([]api.Provider, error) {
	return o.presence.list(o.inflight), nil
}
