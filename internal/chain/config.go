package chain

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// newConfig builds the CometBFT configuration for o. Options are the whole
// truth: no config.toml is read or written.
//
// p2pListen is the resolved listen address (see resolveListen).
func newConfig(o Options, p2pListen string) (*cmtcfg.Config, error) {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(o.Dir)
	cfg.Moniker = o.Moniker
	if cfg.Moniker == "" {
		cfg.Moniker = filepath.Base(o.Dir)
	}

	// Pebble: CometBFT v1's default backend, pure Go without cgo, and
	// not deprecated like goleveldb. Opened by dbSet.
	cfg.DBBackend = "pebbledb"

	// The RPC server, if any, is served by this package (rpcserver.go) so
	// that it can bind port 0 and be stopped with the node.
	cfg.RPC.ListenAddress = ""
	cfg.RPC.PprofListenAddress = ""
	cfg.GRPC.ListenAddress = ""
	cfg.GRPC.Privileged.ListenAddress = ""
	cfg.Instrumentation.Prometheus = false
	// Every in-process BroadcastTxCommit is one subscriber while it waits.
	cfg.RPC.MaxSubscriptionClients = 1000
	// Upper bound for HTTP callers; in-process callers bound it with ctx.
	cfg.RPC.TimeoutBroadcastTxCommit = 30 * time.Second

	cfg.TxIndex.Indexer = "kv"

	cfg.P2P.ListenAddress = p2pListen
	cfg.P2P.ExternalAddress = p2pListen
	cfg.P2P.PersistentPeers = strings.Join(o.Peers, ",")
	cfg.P2P.PexReactor = o.PEX
	// Peers on loopback and private addresses, several per IP.
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.AllowDuplicateIP = true
	cfg.P2P.HandshakeTimeout = 5 * time.Second
	cfg.P2P.DialTimeout = time.Second

	consensusTimeouts(cfg.Consensus, o.BlockTime)
	cfg.Consensus.CreateEmptyBlocks = o.EmptyBlocks
	cfg.Consensus.CreateEmptyBlocksInterval = 0
	if !o.EmptyBlocks && o.EmptyBlockInterval > 0 {
		cfg.Consensus.CreateEmptyBlocksInterval = o.EmptyBlockInterval
	}

	// Mempool defaults are sane for this chain (5000 txs, 64 MiB, 1 MiB per
	// tx, recheck after every block); they are kept.

	if err := cfg.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("chain: cometbft config: %w", err)
	}
	return cfg, nil
}

// consensusTimeouts sizes CometBFT's round timeouts to the block time b.
//
// On the happy path a height takes propose + two vote rounds (milliseconds
// in-process or on a LAN) plus timeout_commit, so timeout_commit = b gives
// a block about every b. The other timeouts only matter when a proposer is
// slow or down: propose waits a few block times (at least 500ms, so a
// proposal can cross a real network), prevote and precommit one block time.
// Gossip sleeps are cut from 100ms so votes travel within the block time.
func consensusTimeouts(c *cmtcfg.ConsensusConfig, b time.Duration) {
	c.TimeoutCommit = b
	c.TimeoutPropose = min(max(5*b, 500*time.Millisecond), 3*time.Second)
	c.TimeoutProposeDelta = b / 2
	c.TimeoutPrevote = b
	c.TimeoutPrevoteDelta = b / 2
	c.TimeoutPrecommit = b
	c.TimeoutPrecommitDelta = b / 2
	c.PeerGossipSleepDuration = min(max(b/10, 5*time.Millisecond), 100*time.Millisecond)
	c.PeerQueryMaj23SleepDuration = min(max(2*b, 250*time.Millisecond), 2*time.Second)
}
