package devnet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/node"
)

// Options shape a local network.
type Options struct {
	// Dir holds every node's data directory (gateway/, provider-0/, ...).
	// Empty means a new temporary directory, removed on Close.
	Dir string
	// Providers is the number of provider nodes (default 3).
	Providers int
	// GatewayListen is the gateway's HTTP address (default
	// 127.0.0.1:7700; "127.0.0.1:0" picks a free port).
	GatewayListen string
	// Provider tunes every provider's configuration section.
	Provider func(i int, p *config.Provider)
	// PresenceTimeout is how long the orchestrator trusts a silent
	// provider (default 10s).
	PresenceTimeout time.Duration
	// ReadyTimeout bounds the wait for every provider to be seen by the
	// orchestrator (default 30s).
	ReadyTimeout time.Duration
	// Chain runs the OpenSky chain: the gateway is its one validator and
	// the arbiter of every job's escrow, providers register with stake
	// from their development accounts, and jobs must be paid.
	Chain bool
	// WrapExecutor, when set, wraps provider i's executors: fault
	// injection for tests, such as a provider that forges results.
	WrapExecutor func(i int, e executor.Executor) executor.Executor
	// Validators is the number of chain validators besides the gateway,
	// each a node of its own (default 0: the gateway validates alone).
	Validators int
	Logger     *slog.Logger
	// Redundancy is the storage network's default layout, "k+m"
	// (default: the most parity that still leaves room to repair, for
	// the number of providers: 2+1 for 3, 10+4 for 14 and more).
	Redundancy string
	// StorageCapacity is what each provider rents out to the storage
	// network (default "2Gi").
	StorageCapacity string
	// RatePerSecond, when set, is each account's request budget at the
	// gateway (and its burst twice that), for load tests; the default is
	// the product's.
	RatePerSecond float64
	// NoAuth serves the gateway's API without authentication. By default
	// it requires a signed request or an API token, like any gateway,
	// and tells clients that the development accounts (//Alice) may sign.
	NoAuth bool
	// Polkadot, with Chain, runs the Polkadot bridge on the gateway against
	// the Polkadot node at this HTTP RPC address, moving its native token
	// (one whole token for a dollar), with the development key //Bridge as
	// operator. On a development chain //Alice gives it 10 tokens for fees
	// when it has less than one.
	Polkadot string
	// AnchorEvery is how often the bridge anchors the chain, in blocks
	// (default 100).
	AnchorEvery int64
	// BridgePeriod is the validity of the bridge's Polkadot transactions
	// in blocks (default 64).
	BridgePeriod uint64
}

// Network is a running local network.
type Network struct {
	Gateway   *node.Node
	Providers []*node.Node
	// Validators are the chain validators besides the gateway.
	Validators []*node.Node
	// URL is the gateway's base URL.
	URL string
	Dir string

	log     *slog.Logger
	tempDir bool
	chain   bool
}

// Start brings up a local network and returns once every provider is
// visible to the orchestrator.
func Start(ctx context.Context, opts Options) (_ *Network, err error) {
	if opts.Providers < 0 {
		return nil, errors.New("devnet: providers must not be negative")
	}
	if opts.Providers == 0 {
		opts.Providers = 3
	}
	if opts.GatewayListen == "" {
		opts.GatewayListen = fmt.Sprintf("127.0.0.1:%d", config.DefaultAPIPort)
	}
	if opts.PresenceTimeout == 0 {
		opts.PresenceTimeout = 10 * time.Second
	}
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = 30 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Network{Dir: opts.Dir, log: log}
	if n.Dir == "" {
		if n.Dir, err = os.MkdirTemp("", "opensky-devnet-"); err != nil {
			return nil, fmt.Errorf("devnet: %w", err)
		}
		n.tempDir = true
	}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()

	gw := base(filepath.Join(n.Dir, "gateway"))
	var genesis string
	var listen, peers []string
	if opts.Chain {
		if genesis, err = prepareChain(n.Dir, opts.Providers, opts.Validators); err != nil {
			return n, fmt.Errorf("devnet: chain: %w", err)
		}
		listen = []string{"tcp://127.0.0.1:0"}
		if opts.Validators > 0 {
			if listen, peers, err = validatorAddrs(n.Dir, opts.Validators+1); err != nil {
				return n, fmt.Errorf("devnet: chain: %w", err)
			}
		}
		chainGateway(&gw, genesis, listen[0], others(peers, 0))
		n.chain = true
	}
	gw.Gateway.Enabled = true
	gw.Gateway.Listen = opts.GatewayListen
	gw.Gateway.PresenceTimeout = opts.PresenceTimeout.String()
	gw.Gateway.Auth.Enabled, gw.Gateway.Auth.DevAccounts = !opts.NoAuth, true
	if opts.RatePerSecond > 0 {
		gw.Gateway.Auth.RatePerSecond, gw.Gateway.Auth.Burst = opts.RatePerSecond, int(2*opts.RatePerSecond)
	}
	gw.Provider.Enabled = false
	if opts.Polkadot != "" && opts.Chain {
		gw.Bridge = config.Bridge{Enabled: true, PolkadotRPC: opts.Polkadot, Asset: "native", DevAccount: BridgeURI,
			AnchorEvery: cmp.Or(opts.AnchorEvery, 100), Period: opts.BridgePeriod, Poll: "1s"}
	}
	gw.Gateway.Storage.Redundancy = cmp.Or(opts.Redundancy, DefaultRedundancy(opts.Providers))
	if n.Gateway, err = node.Start(ctx, gw, log.With("node", "gateway")); err != nil {
		return n, fmt.Errorf("devnet: gateway node: %w", err)
	}
	n.URL = n.Gateway.APIURL
	if opts.Polkadot != "" && opts.Chain {
		if err := fundBridgeFees(ctx, n.URL, opts.Polkadot, n.Gateway.ChainNode.ChainID(), log); err != nil {
			log.Warn("the bridge account has no Polkadot fees: its transactions will wait until it has some", "err", err)
		}
	}
	for i := 1; i <= opts.Validators && opts.Chain; i++ {
		vc := validatorOnly(validatorDir(n.Dir, i), genesis, listen[i], others(peers, i))
		v, err := node.Start(ctx, vc, log.With("node", fmt.Sprintf("validator-%d", i)))
		if err != nil {
			return n, fmt.Errorf("devnet: validator %d: %w", i, err)
		}
		n.Validators = append(n.Validators, v)
	}
	boot := n.Gateway.Host.Addrs()

	for i := range opts.Providers {
		pc := base(filepath.Join(n.Dir, fmt.Sprintf("provider-%d", i)))
		pc.P2P.Bootstrap = boot
		pc.Provider.Labels = map[string]string{"devnet": "true", "index": fmt.Sprint(i)}
		pc.Provider.Storage.Enabled = true
		pc.Provider.Storage.Capacity = cmp.Or(opts.StorageCapacity, "2Gi")
		if opts.Provider != nil {
			opts.Provider(i, &pc.Provider)
		}
		if opts.Chain {
			chainProvider(&pc, i, "http://"+strings.TrimPrefix(n.Gateway.ChainNode.RPCAddr(), "tcp://"))
		}
		var nopts []node.Option
		if opts.WrapExecutor != nil {
			nopts = append(nopts, node.WithExecutorWrapper(func(e executor.Executor) executor.Executor { return opts.WrapExecutor(i, e) }))
		}
		pn, err := node.Start(ctx, pc, log.With("node", fmt.Sprintf("provider-%d", i)), nopts...)
		if err != nil {
			return n, fmt.Errorf("devnet: provider %d: %w", i, err)
		}
		n.Providers = append(n.Providers, pn)
	}
	return n, n.waitReady(ctx, opts.ReadyTimeout)
}

// DefaultRedundancy is the storage layout a local network of n providers
// uses: 10+4 from 14 providers on; below that, a third of them (at least
// one) for parity, so a read survives that many providers stopping.
func DefaultRedundancy(n int) string {
	if n >= 14 {
		return "10+4"
	}
	if n <= 1 {
		return "1+0"
	}
	m := max(1, n/3)
	return fmt.Sprintf("%d+%d", n-m, m)
}

// base is a node configuration for the local network: loopback only, any
// free port, no mDNS (every peer is known through the gateway).
func base(dir string) config.Config {
	c := config.Default()
	c.DataDir = dir
	c.P2P.Listen = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}
	c.P2P.MDNS = false
	c.Provider.PresenceInterval = "500ms"
	return c
}

// waitReady waits until the orchestrator sees every provider.
func (n *Network) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ps, err := n.Gateway.Orchestrator.Providers(ctx)
		if err == nil && len(ps) >= len(n.Providers) && n.registered(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("devnet: only %d of %d providers visible (and registered, on a chain) after %s", len(ps), len(n.Providers), timeout)
		case <-tick.C:
		}
	}
}

// RestartGateway starts the gateway node again from cfg (usually the
// stopped node's Config(), so it keeps its data, identity and addresses).
func (n *Network) RestartGateway(ctx context.Context, cfg config.Config) (*node.Node, error) {
	g, err := node.Start(ctx, cfg, n.log.With("node", "gateway"))
	if err != nil {
		return nil, fmt.Errorf("devnet: restart gateway: %w", err)
	}
	n.Gateway, n.URL = g, g.APIURL
	return g, nil
}

// Close stops every node (providers first) and removes a temporary Dir.
func (n *Network) Close() error {
	var errs []error
	for _, p := range n.Providers {
		errs = append(errs, p.Close())
	}
	if n.Gateway != nil {
		errs = append(errs, n.Gateway.Close())
	}
	for _, v := range n.Validators {
		errs = append(errs, v.Close())
	}
	if n.tempDir {
		errs = append(errs, os.RemoveAll(n.Dir))
	}
	return errors.Join(errs...)
}

// registered reports whether every provider is registered on the chain
// (always true without one).
func (n *Network) registered(ctx context.Context) bool {
	if !n.chain {
		return true
	}
	ps, err := n.Gateway.Ledger.Providers(ctx)
	if err != nil {
		return false
	}
	active := 0
	for _, p := range ps {
		if p.Active {
			active++
		}
	}
	return active >= len(n.Providers)
}
