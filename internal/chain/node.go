package chain

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/libs/service"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/core"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
)

// Node is a CometBFT node running an ABCI application in this process.
type Node struct {
	node    *nm.Node
	env     *core.Environment
	dbs     *dbSet
	rpc     *rpcServer
	log     *slog.Logger
	p2pAddr string

	// mu guards closed; calls that touch the node's stores hold it for
	// reading, so Close waits for them before the stores close.
	mu     sync.RWMutex
	closed bool
	done   chan struct{}

	closeOnce sync.Once
	closeErr  error

	seq atomic.Uint64 // for per-call subscriber names
}

// Start runs app in a new CometBFT node configured by opts and returns once
// the node is up: keys and genesis are in place, CometBFT has replayed the
// blocks the app had not seen (per its Info), and consensus or block sync
// has started.
//
// Start works on a fresh home (keys are created, the genesis is written)
// and on one used before (keys and genesis are reused). The node calls app
// through a single lock, so app needs no synchronisation of its own against
// CometBFT; the node never closes app. ctx bounds the start-up (including
// the replay), not the node's life: that ends with Close.
func Start(ctx context.Context, app abcitypes.Application, opts Options) (*Node, error) {
	if app == nil {
		return nil, fmt.Errorf("%w: app is nil", ErrInvalidOptions)
	}
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	p2pListen, err := resolveListen(o.P2PListen)
	if err != nil {
		return nil, fmt.Errorf("%w: P2PListen: %w", ErrInvalidOptions, err)
	}
	cfg, err := newConfig(o, p2pListen)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{cfg.RootDir, cfg.DBDir(), filepath.Dir(cfg.GenesisFile())} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("chain: %w", err)
		}
	}
	pv, nodeKey, err := loadOrGenKeys(cfg)
	if err != nil {
		return nil, err
	}
	if err := installGenesis(cfg, o.Genesis); err != nil {
		return nil, err
	}

	dbs := &dbSet{log: o.Logger}
	cl := newCmtLogger(o.Logger)
	cn, err := nm.NewNode(ctx, cfg, pv, nodeKey,
		// One lock around every call into the app: the ledger's state is
		// not safe for CheckTx and Query to run during FinalizeBlock.
		proxy.NewLocalClientCreator(app),
		nm.DefaultGenesisDocProviderFunc(cfg),
		dbs.provider,
		nm.DefaultMetricsProvider(cfg.Instrumentation),
		cl,
	)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("chain: new node: %w", err), dbs.closeAll())
	}
	env, err := cn.ConfigureRPC()
	if err != nil {
		return nil, errors.Join(fmt.Errorf("chain: rpc environment: %w", err), dbs.closeAll())
	}
	n := &Node{
		node:    cn,
		env:     env,
		dbs:     dbs,
		log:     o.Logger,
		p2pAddr: string(nodeKey.ID()) + "@" + strings.TrimPrefix(p2pListen, "tcp://"),
		done:    make(chan struct{}),
	}
	if err := cn.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("chain: start node: %w", err), n.Close())
	}
	if o.RPCListen != "" {
		n.rpc, err = serveRPC(o.RPCListen, env, cn.EventBus(), cfg.RPC, cl)
		if err != nil {
			return nil, errors.Join(err, n.Close())
		}
	}
	n.log.Info("chain node started",
		"chain_id", cn.GenesisDoc().ChainID,
		"moniker", cfg.Moniker,
		"height", cn.BlockStore().Height(),
		"p2p", n.p2pAddr,
		"rpc", n.RPCAddr(),
		"block_time", o.BlockTime)
	return n, nil
}

// Close stops the node and closes its databases. It is safe to call more
// than once; later calls return the first call's result.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.mu.Lock()
		n.closed = true
		close(n.done)
		n.mu.Unlock()

		var errs []error
		if n.rpc != nil {
			errs = append(errs, n.rpc.close())
		}
		switch err := n.node.Stop(); {
		case errors.Is(err, service.ErrNotStarted):
			// Start failed half-way: stop what NewNode started.
			n.node.OnStop()
		case err != nil && !errors.Is(err, service.ErrAlreadyStopped):
			errs = append(errs, fmt.Errorf("chain: stop node: %w", err))
		}
		// The node leaves its ABCI connections running.
		if err := n.node.ProxyApp().Stop(); err != nil && !errors.Is(err, service.ErrAlreadyStopped) {
			errs = append(errs, fmt.Errorf("chain: stop abci client: %w", err))
		}
		errs = append(errs, n.dbs.closeAll())
		n.closeErr = errors.Join(errs...)
		n.log.Info("chain node stopped", "err", n.closeErr)
	})
	return n.closeErr
}

// NodeID is the node's p2p ID, the "nodeid" in "nodeid@host:port".
func (n *Node) NodeID() string { return string(n.node.NodeInfo().ID()) }

// P2PAddr is the address peers dial, "nodeid@host:port".
func (n *Node) P2PAddr() string { return n.p2pAddr }

// RPCAddr is the HTTP RPC address ("tcp://host:port"), or "" if the node
// serves none.
func (n *Node) RPCAddr() string {
	if n.rpc == nil {
		return ""
	}
	return n.rpc.addr
}

// ChainID is the chain's ID from the genesis.
func (n *Node) ChainID() string { return n.node.GenesisDoc().ChainID }

// acquire marks a call that touches the node's stores; it fails once the
// node is closing.
func (n *Node) acquire() (release func(), err error) {
	n.mu.RLock()
	if n.closed {
		n.mu.RUnlock()
		return nil, ErrClosed
	}
	return n.mu.RUnlock, nil
}

// rpcCtx carries ctx into CometBFT's RPC functions, which take the request
// context from an HTTP request, and names the caller uniquely for event
// subscriptions.
func (n *Node) rpcCtx(ctx context.Context) *rpctypes.Context {
	req := (&http.Request{RemoteAddr: fmt.Sprintf("in-process-%d", n.seq.Add(1))}).WithContext(ctx)
	return &rpctypes.Context{HTTPReq: req}
}
