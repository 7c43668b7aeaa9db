package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/executor/docker"
	"github.com/opensky-network/opensky/internal/node"
)

// addNetworkCommands adds the commands that run OpenSky peers: up (a whole
// local network) and node (one long-lived daemon).
func addNetworkCommands(root *cobra.Command, g *globals) {
	root.AddCommand(newUpCmd(g), newNodeCmd(g))
}

func newUpCmd(g *globals) *cobra.Command {
	var (
		providers   int
		listen      string
		dir         string
		reset       bool
		engines     []string
		paid        bool
		polkadotRPC string
		anchorEvery int64
	)
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start a whole local OpenSky network: a gateway and providers on this machine",
		Long: `Start a whole local OpenSky network on 127.0.0.1: an orchestrator with the
gateway's HTTP API and (by default) three provider daemons, each a libp2p peer
with its own identity and data directory. It runs until Ctrl-C, then shuts
every peer down cleanly. Jobs are kept in --dir and survive a restart.

The gateway is also the one validator of a local OpenSky chain (CometBFT,
blocks every 200ms): jobs are paid from escrow, providers register with
stake from development accounts, and a faucet gives test funds
('opensky wallet faucet'). --chain=false runs a network with free jobs.

Providers also rent out disk space: 'opensky storage put FILE' encrypts a
file and spreads it over them with erasure coding (2+1 with three providers,
10+4 from fourteen on).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				dir = defaultDevnetDir()
			}
			if reset {
				if err := os.RemoveAll(dir); err != nil {
					return fmt.Errorf("reset %s: %w", dir, err)
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.ErrOrStderr()
			if !cmd.Flags().Changed("engines") {
				engines = localEngines(ctx, out)
			}
			fmt.Fprintf(out, "starting a local OpenSky network in %s (engines: %s) ...\n", dir, strings.Join(engines, ", "))
			started := time.Now()
			net, err := devnet.Start(ctx, devnet.Options{
				Dir:           dir,
				Providers:     providers,
				GatewayListen: listen,
				Logger:        newLogger(g, out),
				Provider:      func(_ int, p *config.Provider) { p.Engines = engines },
				Chain:         paid,
				Polkadot:      polkadotRPC,
				AnchorEvery:   anchorEvery,
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "ready in %s\n\n", time.Since(started).Round(time.Millisecond))
			fmt.Fprintf(cmd.OutOrStdout(), "gateway   %s\n", net.URL)
			fmt.Fprintf(out, "web       %s  (sign in with a token from 'opensky token create')\n", net.URL)
			fmt.Fprintf(out, "peer      %s\n", net.Gateway.Host.ID())
			for i, p := range net.Providers {
				fmt.Fprintf(out, "provider  %d  %s\n", i, p.Host.ID())
			}
			if net.Gateway.Broker != nil {
				fmt.Fprintf(out, "storage   %s erasure coding over the providers\n", devnet.DefaultRedundancy(len(net.Providers)))
			}
			if n := net.Gateway.ChainNode; n != nil {
				fmt.Fprintf(out, "chain     %s  rpc %s  arbiter %s\n", n.ChainID(), n.RPCAddr(), net.Gateway.Account.Address())
				if polkadotRPC != "" {
					fmt.Fprintf(out, "bridge    Polkadot at %s, anchors every %d blocks (opensky wallet deposit, opensky chain verify-anchor)\n", polkadotRPC, anchorEvery)
				}
				fmt.Fprintf(out, "\ntry:  opensky wallet new && opensky wallet faucet && opensky wasm run MODULE.wasm && opensky storage put FILE   (OPENSKY_API=%s)\npress Ctrl-C to stop\n", net.URL)
			} else {
				fmt.Fprintf(out, "\ntry:  opensky wasm run MODULE.wasm   (OPENSKY_API=%s)\npress Ctrl-C to stop\n", net.URL)
			}
			<-ctx.Done()
			fmt.Fprintln(out, "\nstopping ...")
			if err := net.Close(); err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			fmt.Fprintln(out, "stopped")
			return nil
		},
	}
	cmd.Flags().IntVar(&providers, "providers", 3, "number of provider daemons")
	cmd.Flags().StringVar(&listen, "listen", fmt.Sprintf("127.0.0.1:%d", config.DefaultAPIPort), "gateway HTTP address")
	cmd.Flags().StringVar(&dir, "dir", "", "data directory of the local network (default ~/.opensky/devnet)")
	cmd.Flags().BoolVar(&reset, "reset", false, "delete the local network's data (jobs, identities) before starting")
	cmd.Flags().StringSliceVar(&engines, "engines", nil, "engines the providers offer (default: wasm, and docker when the Docker engine answers)")
	cmd.Flags().BoolVar(&paid, "chain", true, "run the local chain: jobs are paid from escrow (false: free jobs, no chain)")
	cmd.Flags().StringVar(&polkadotRPC, "polkadot", "", "run the Polkadot bridge against the Polkadot node at this HTTP RPC address (a local development chain: its native token is the dollar, //Bridge the operator); see docs/polkadot.md")
	cmd.Flags().Int64Var(&anchorEvery, "anchor-every", 100, "with --polkadot, anchor the chain on Polkadot every that many blocks")
	return cmd
}

// localEngines is wasm, plus docker when this machine's Docker engine
// answers; when it does not, it says so rather than leave container jobs
// to fail later.
func localEngines(ctx context.Context, out io.Writer) []string {
	d, err := docker.New(ctx)
	if err != nil {
		fmt.Fprintf(out, "container jobs are off: %v\n", err)
		return []string{"wasm"}
	}
	d.Close(ctx)
	return []string{"wasm", "docker"}
}

func defaultDevnetDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "opensky-devnet")
	}
	return filepath.Join(home, ".opensky", "devnet")
}

func newNodeCmd(g *globals) *cobra.Command {
	var (
		file                string
		dataDir             string
		listen, bootstrap   []string
		gatewayOn, provider bool
		apiListen           string
		mdns                bool
		cpu, memory, disk   string
		validator           bool
		genesis, chainRPC   string
		chainPeers          []string
		account             string
		chainP2P, rpcListen string
	)
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run one long-lived OpenSky daemon (a provider, a gateway, or both)",
		Long: `Run one OpenSky peer until it is stopped. Configuration comes from defaults,
then the YAML file (--config or OPENSKY_CONFIG), then OPENSKY_* environment
variables, then flags. The identity and data live in the data directory.
See docs/provider-guide.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				file = os.Getenv("OPENSKY_CONFIG")
			}
			cfg, err := config.Load(file)
			if err != nil {
				return err
			}
			if err := cfg.ApplyEnv(os.LookupEnv); err != nil {
				return err
			}
			f := cmd.Flags()
			set := func(name string, apply func()) {
				if f.Changed(name) {
					apply()
				}
			}
			set("data-dir", func() { cfg.DataDir = dataDir })
			set("listen", func() { cfg.P2P.Listen = listen })
			set("bootstrap", func() { cfg.P2P.Bootstrap = bootstrap })
			set("gateway", func() { cfg.Gateway.Enabled = gatewayOn })
			set("provider", func() { cfg.Provider.Enabled = provider })
			set("api-listen", func() { cfg.Gateway.Listen = apiListen })
			set("mdns", func() { cfg.P2P.MDNS = mdns })
			set("cpu", func() { cfg.Provider.CPU = cpu })
			set("memory", func() { cfg.Provider.Memory = memory })
			set("disk", func() { cfg.Provider.Disk = disk })
			set("validator", func() { cfg.Chain.Validator, cfg.Chain.Enabled = validator, cfg.Chain.Enabled || validator })
			set("genesis", func() { cfg.Chain.Genesis = genesis })
			set("chain-peers", func() { cfg.Chain.Peers = chainPeers })
			set("chain-p2p-listen", func() { cfg.Chain.P2PListen = chainP2P })
			set("chain-rpc-listen", func() { cfg.Chain.RPCListen = rpcListen })
			set("chain-rpc", func() { cfg.Chain.RPC, cfg.Chain.Enabled = chainRPC, true })
			set("account", func() { cfg.Chain.Account = account })
			if f.Changed("log-level") {
				cfg.Log.Level = g.LogLevel
			}
			if err := cfg.Validate(); err != nil {
				return fmt.Errorf("configuration:\n%w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			g.LogLevel = cfg.Log.Level
			log := newLogger(g, cmd.ErrOrStderr())
			n, err := node.Start(ctx, cfg, log)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "peer   %s\n", n.Host.ID())
			for _, a := range n.Host.Addrs() {
				fmt.Fprintf(out, "addr   %s\n", a)
			}
			var roles []string
			if n.APIURL != "" {
				roles = append(roles, "gateway "+n.APIURL)
			}
			if n.Provider != nil {
				roles = append(roles, "provider ("+strings.Join(n.Provider.Engines(), ", ")+")")
			}
			if c := n.ChainNode; c != nil {
				roles = append(roles, fmt.Sprintf("chain validator %s (p2p %s, rpc %s)", c.ChainID(), c.P2PAddr(), c.RPCAddr()))
			}
			if n.Account != nil {
				fmt.Fprintf(out, "account %s\n", n.Account.Address())
			}
			fmt.Fprintf(out, "roles  %s\n", strings.Join(roles, "; "))
			<-ctx.Done()
			log.Info("stopping")
			return n.Close()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&file, "config", "", "YAML configuration file (env OPENSKY_CONFIG)")
	fl.StringVar(&dataDir, "data-dir", "", "data directory (identity, stores, caches)")
	fl.StringSliceVar(&listen, "listen", nil, "libp2p listen multiaddrs")
	fl.StringSliceVar(&bootstrap, "bootstrap", nil, "bootstrap peers (multiaddrs with /p2p/)")
	fl.BoolVar(&gatewayOn, "gateway", false, "run the orchestrator and the gateway's HTTP API")
	fl.BoolVar(&provider, "provider", true, "offer this machine's resources")
	fl.StringVar(&apiListen, "api-listen", "", "gateway HTTP address")
	fl.BoolVar(&mdns, "mdns", false, "discover peers on the LAN with mDNS")
	fl.StringVar(&cpu, "cpu", "", "CPU to offer (e.g. 2, 500m); default all")
	fl.StringVar(&memory, "memory", "", "memory to offer (e.g. 4Gi); default half")
	fl.StringVar(&disk, "disk", "", "disk to offer (e.g. 50Gi); default half of free")
	fl.BoolVar(&validator, "validator", false, "run a validator of the OpenSky chain (needs --genesis on the first start)")
	fl.StringVar(&genesis, "genesis", "", "the chain's genesis file (see 'opensky chain genesis')")
	fl.StringSliceVar(&chainPeers, "chain-peers", nil, "other validators, nodeid@host:port")
	fl.StringVar(&chainP2P, "chain-p2p-listen", "", "the validator's consensus address, tcp://host:port (default a free port on 127.0.0.1)")
	fl.StringVar(&rpcListen, "chain-rpc-listen", "", "serve the chain's RPC on tcp://host:port")
	fl.StringVar(&chainRPC, "chain-rpc", "", "use the chain through this node's RPC (http://host:port) instead of a local validator")
	fl.StringVar(&account, "account", "", "keystore file of this node's chain account (passphrase in OPENSKY_PASSPHRASE)")
	return cmd
}

// newLogger builds the CLI's logger at the global level.
func newLogger(g *globals, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.LogLevel)); err != nil {
		level = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
