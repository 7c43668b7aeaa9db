package node

import (
	"cmp"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/shardnet"
	"github.com/opensky-network/opensky/internal/storage/shardstore"
)

// startShardStore opens the provider's shard store and serves it on the
// storage protocol. It returns what the provider announces about it, or
// nil when the provider rents out no storage.
func (n *Node) startShardStore(cfg config.Config, log *slog.Logger) (func() *wire.StorageOffer, error) {
	sc := cfg.Provider.Storage
	if !sc.Enabled {
		return nil, nil
	}
	capacity, price, err := sc.Parsed()
	if err != nil {
		return nil, fmt.Errorf("provider.storage: %w", err)
	}
	dir := cmp.Or(sc.Dir, filepath.Join(cfg.DataDir, "storage"))
	disk, err := shardstore.Open(dir, capacity, shardstore.WithLogger(log.With("component", "shardstore")))
	if err != nil {
		return nil, err
	}
	n.Shards = disk
	shardnet.Serve(n.Host, disk)
	return func() *wire.StorageOffer {
		return &wire.StorageOffer{TotalBytes: disk.Capacity(), FreeBytes: disk.Free(), PricePerGBMonth: price}
	}, nil
}

// startBroker runs the storage network for the gateway's users. It needs
// the orchestrator, whose view of presence tells it which providers are
// live.
func (n *Node) startBroker(cfg config.Config, log *slog.Logger) (gateway.Option, error) {
	gs := cfg.Gateway.Storage
	if !gs.Enabled {
		return nil, nil
	}
	layout, every, err := gs.Parsed()
	if err != nil {
		return nil, fmt.Errorf("gateway.storage: %w", err)
	}
	timeout, _ := cfg.Gateway.PresenceTimeoutDuration()
	var deals *chainDeals
	api := &storageAPI{jobs: n.Orchestrator}
	if n.arbiter != nil {
		blockTime, err := cfg.Chain.BlockInterval()
		if err != nil {
			return nil, fmt.Errorf("chain.blockTime: %w", err)
		}
		deals = newChainDeals(n.arbiter, every, blockTime, log.With("component", "storage-deals"))
		api.deals, api.arbiter = deals, n.arbiter.Arbiter()
	}
	var bd broker.Deals
	if deals != nil {
		bd = deals
	}
	b, err := broker.New(filepath.Join(cfg.DataDir, "storage-broker.db"), n.Orchestrator, shardnet.Dialer{Host: n.Host}, bd, broker.Config{
		Layout:        layout,
		AuditInterval: every,
		FreshWithin:   2 * timeout,
		Logger:        log.With("component", "storage"),
	})
	if err != nil {
		return nil, err
	}
	n.Broker = b
	api.b = b
	b.Start()
	return gateway.WithStorage(api), nil
}
