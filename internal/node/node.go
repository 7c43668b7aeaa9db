package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/docker"
	"github.com/opensky-network/opensky/internal/executor/wasm"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/provider"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/shardstore"
)

// Version is the build's version, reported by the gateway.
var Version = "0.1.0-dev"

// Node is a running peer.
type Node struct {
	Host         *p2p.Host
	Orchestrator *orchestrator.Orchestrator
	Provider     *provider.Provider
	// APIURL is the gateway's base URL when the gateway runs here.
	APIURL string
	// ChainNode is the chain validator running here, if any.
	ChainNode *chain.Node
	// Ledger reads and writes the chain when it is enabled.
	Ledger *ledgerclient.Client
	// Account is the node's chain account, if configured.
	Account *identity.Account
	// Broker runs the storage network for the gateway's users, and
	// Shards keeps this provider's shards; each is nil when not enabled.
	Broker *broker.Broker
	Shards *shardstore.Disk

	ledger *ledger.Ledger
	faucet *ledgerclient.Sender
	// arbiter sends the gateway's transactions as the arbiter of jobs'
	// escrows and storage deals; nil without a chain.
	arbiter *ledgerclient.Arbiter
	opts    options
	// bridge runs the Polkadot bridge; nil when not enabled.
	bridge *bridgeService

	cfg     config.Config
	log     *slog.Logger
	execs   []executor.Executor
	stop    context.CancelFunc
	serving sync.WaitGroup
	once    sync.Once
}

// Start brings a node up from a validated configuration. On error nothing
// is left running.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...Option) (n *Node, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	key, err := identity.LoadOrCreatePeerKey(filepath.Join(cfg.DataDir, "peer.key"))
	if err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	n = &Node{cfg: cfg, log: log, stop: stop}
	for _, o := range opts {
		o(&n.opts)
	}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	n.Host, err = p2p.New(ctx, p2p.Config{
		PrivKey:     key,
		ListenAddrs: cfg.P2P.Listen,
		Bootstrap:   cfg.P2P.Bootstrap,
		MDNS:        cfg.P2P.MDNS,
		DHT:         cfg.P2P.DHT,
		DHTServer:   cfg.P2P.DHT && cfg.P2P.DHTServer,
		Logger:      log.With("component", "p2p"),
	})
	if err != nil {
		return n, fmt.Errorf("p2p: %w", err)
	}
	if cfg.Chain.Enabled {
		if err := n.startChain(runCtx, cfg, log); err != nil {
			return n, err
		}
	}
	if cfg.Bridge.Enabled {
		if err := n.startBridge(runCtx, cfg, log); err != nil {
			return n, err
		}
	}
	if cfg.Gateway.Enabled {
		if err := n.startGateway(runCtx, cfg, log); err != nil {
			return n, err
		}
	}
	if cfg.Provider.Enabled {
		if err := n.startProvider(runCtx, cfg, log); err != nil {
			return n, err
		}
	}
	if cfg.P2P.DHT && cfg.Provider.Enabled {
		n.serving.Add(1)
		go func() {
			defer n.serving.Done()
			if err := n.Host.Advertise(runCtx); err != nil && runCtx.Err() == nil {
				log.Debug("advertise in the DHT", "err", err)
			}
		}()
	}
	if cfg.P2P.DHT && cfg.Gateway.Enabled {
		n.serving.Add(1)
		go func() {
			defer n.serving.Done()
			n.discoverProviders(runCtx)
		}()
	}
	if len(cfg.P2P.Bootstrap) > 0 {
		n.serving.Add(1)
		go func() {
			defer n.serving.Done()
			n.keepBootstrap(runCtx, cfg.P2P.Bootstrap)
		}()
	}
	return n, nil
}

// discoverProviders connects the gateway node to providers advertised in
// the DHT, so that it hears their presence even when they bootstrapped
// through another peer.
func (n *Node) discoverProviders(ctx context.Context) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		found, err := n.Host.FindPeers(fctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			n.log.Debug("find providers in the DHT", "err", err)
		} else if len(found) > 0 {
			n.log.Debug("providers found in the DHT", "count", len(found))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// keepBootstrap redials bootstrap peers that dropped, e.g. a gateway that
// restarted, so that presence and results flow again without a restart
// here.
func (n *Node) keepBootstrap(ctx context.Context, addrs []string) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, a := range addrs {
			info, err := peer.AddrInfoFromString(a)
			if err != nil || slices.Contains(n.Host.Peers(), info.ID) {
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			if err := n.Host.Connect(cctx, a); err != nil {
				n.log.Debug("bootstrap peer unreachable", "addr", a, "err", err)
			}
			cancel()
		}
	}
}

func (n *Node) startGateway(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	timeout, _ := cfg.Gateway.PresenceTimeoutDuration()
	oc := orchestrator.Config{
		DataDir:         filepath.Join(cfg.DataDir, "orchestrator"),
		PresenceTimeout: timeout,
		Version:         Version,
		Logger:          log.With("component", "orchestrator"),
	}
	// The web interface is served next to the API.
	gopts := []gateway.Option{gateway.WithUI()}
	if n.Ledger != nil {
		if n.Account == nil {
			return errors.New("chain: a gateway on a chain needs an account (chain.account) to arbitrate its jobs' escrows")
		}
		n.arbiter = ledgerclient.NewArbiter(n.Ledger, n.Account)
		oc.Payments = n.arbiter
		gopts = append(gopts, gateway.WithChain(newChainAPI(n.Ledger, n.Account.Address(), n.faucet)))
	}
	o, err := orchestrator.New(n.Host, oc)
	if err != nil {
		return err
	}
	n.Orchestrator = o
	if err := o.Start(ctx); err != nil {
		return err
	}
	storageOpt, err := n.startBroker(cfg, log)
	if err != nil {
		return err
	}
	if storageOpt != nil {
		gopts = append(gopts, storageOpt)
	}
	if n.bridge != nil {
		gopts = append(gopts, gateway.WithBridge(n.bridge))
	}
	authOpts, closeAuth, err := gatewayAuth(cfg)
	if err != nil {
		return err
	}
	gopts = append(gopts, authOpts...)
	if n.Ledger != nil && !cfg.Gateway.Auth.Enabled {
		// Every job on a chain is paid from its submitter's escrow, and
		// without authentication no request has a submitter.
		log.Warn("gateway authentication is off on a network that charges for jobs: every job will be refused with 402, since no request is authenticated as the account that locked its escrow",
			"component", "gateway", "fix", "set gateway.auth.enabled: true (OPENSKY_GATEWAY_AUTH_ENABLED=true)")
	}
	ln, err := net.Listen("tcp", cfg.Gateway.Listen)
	if err != nil {
		closeAuth()
		return fmt.Errorf("gateway: listen on %s: %w", cfg.Gateway.Listen, err)
	}
	n.APIURL = "http://" + ln.Addr().String()
	srv := gateway.New(o, append(gopts, gateway.WithLogger(log.With("component", "gateway")))...)
	n.serving.Add(1)
	go func() {
		defer n.serving.Done()
		defer closeAuth()
		if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("gateway stopped", "err", err)
		}
	}()
	return nil
}

func (n *Node) startProvider(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	pc := cfg.Provider
	cpu, mem, disk, _ := pc.Capacity()
	price, minPrice, _ := pc.Prices()
	every, _ := pc.PresenceEvery()
	dir := filepath.Join(cfg.DataDir, "provider")
	var gpus int64
	for _, engine := range pc.Engines {
		switch spec.Engine(engine) {
		case spec.EngineWasm:
			w, err := wasm.New(ctx, wasm.WithCacheDir(filepath.Join(dir, "wasm-cache")), wasm.WithLogger(log.With("component", "wasm")))
			if err != nil {
				return fmt.Errorf("wasm executor: %w", err)
			}
			n.execs = append(n.execs, w)
		case spec.EngineDocker:
			d, err := startDocker(ctx, pc.Docker, n.Host.ID().String(), log.With("component", "docker"))
			if err != nil {
				return err
			}
			n.execs = append(n.execs, d)
			gpus = int64(docker.DetectGPUs(ctx))
		}
	}
	execs := n.execs
	if n.opts.wrap != nil {
		execs = make([]executor.Executor, len(n.execs))
		for i, e := range n.execs {
			execs[i] = n.opts.wrap(e)
		}
	}
	offer, err := n.startShardStore(cfg, log)
	if err != nil {
		return err
	}
	p, err := provider.New(n.Host, execs, provider.Config{
		DataDir:           dir,
		Capacity:          wire.Capacity{MilliCPU: int64(cpu), MemoryBytes: int64(mem), DiskBytes: int64(disk), GPUs: gpus},
		MaxTasks:          pc.MaxTasks,
		PricePerCPUSecond: int64(price),
		MinPrice:          int64(minPrice),
		Labels:            pc.Labels,
		PresenceInterval:  every,
		Storage:           offer,
		Logger:            log.With("component", "provider"),
	})
	if err != nil {
		return err
	}
	n.Provider = p
	if n.Ledger != nil {
		if n.Account == nil {
			return errors.New("chain: a provider on a chain needs an account (chain.account) to be paid and staked from")
		}
		stake, _ := cfg.Chain.StakeAmount()
		off := ledgerclient.Offer{Stake: int64(stake), PricePerCPUSecond: int64(price), MinPrice: int64(minPrice),
			Capacity: ledger.Capacity{MilliCPU: int64(cpu), MemoryBytes: int64(mem), DiskBytes: int64(disk), GPUs: gpus}}
		n.serving.Add(1)
		go func() {
			defer n.serving.Done()
			n.registerProvider(ctx, cfg, off)
		}()
	}
	return p.Start(ctx)
}

// Config returns the node's configuration with its listen addresses
// pinned to the ports it actually bound, so that a restart comes back at
// the same addresses.
func (n *Node) Config() config.Config {
	c := n.cfg
	c.P2P.Listen = nil
	for _, a := range n.Host.Addrs() {
		if i := strings.Index(a, "/p2p/"); i > 0 {
			a = a[:i]
		}
		c.P2P.Listen = append(c.P2P.Listen, a)
	}
	if n.APIURL != "" {
		c.Gateway.Listen = strings.TrimPrefix(n.APIURL, "http://")
	}
	if n.ChainNode != nil {
		if rpc := n.ChainNode.RPCAddr(); rpc != "" {
			c.Chain.RPCListen = rpc
		}
		if _, hostPort, ok := strings.Cut(n.ChainNode.P2PAddr(), "@"); ok {
			c.Chain.P2PListen = "tcp://" + hostPort
		}
	}
	return c
}

// Close stops the node's roles in reverse order of start. It is safe to
// call more than once.
func (n *Node) Close() error {
	var errs []error
	n.once.Do(func() {
		if n.Provider != nil {
			errs = append(errs, n.Provider.Close())
		}
		n.stop()
		n.serving.Wait()
		if n.Broker != nil {
			errs = append(errs, n.Broker.Close())
		}
		if n.Shards != nil {
			errs = append(errs, n.Shards.Close())
		}
		if n.Orchestrator != nil {
			errs = append(errs, n.Orchestrator.Close())
		}
		if n.ChainNode != nil {
			errs = append(errs, n.ChainNode.Close())
		}
		if n.ledger != nil {
			errs = append(errs, n.ledger.Close())
		}
		for _, e := range n.execs {
			if c, ok := e.(executor.Closer); ok {
				errs = append(errs, c.Close(context.Background()))
			}
		}
		if n.Host != nil {
			errs = append(errs, n.Host.Close())
		}
	})
	return errors.Join(errs...)
}

// gatewayAuth returns the options that make the gateway authenticate
// requests (config gateway.auth), with the token store it opens in the
// data directory and the function that closes it once the gateway stops.
func gatewayAuth(cfg config.Config) ([]gateway.Option, func(), error) {
	a := cfg.Gateway.Auth
	if !a.Enabled {
		return nil, func() {}, nil
	}
	dir := a.Dir
	if dir == "" {
		dir = filepath.Join(cfg.DataDir, "auth")
	}
	tokens, err := auth.OpenTokenStore(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("gateway: %w", err)
	}
	skew, _ := a.ClockSkewDuration() // validated with the configuration
	opt := gateway.WithAuth(gateway.AuthConfig{
		Tokens: tokens, ClockSkew: skew, RatePerSecond: a.RatePerSecond, Burst: a.Burst, DevAccounts: a.DevAccounts,
	})
	return []gateway.Option{opt}, func() { _ = tokens.Close() }, nil
}
