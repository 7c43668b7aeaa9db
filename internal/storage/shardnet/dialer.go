package shardnet

import (
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
)

// Dialer reaches providers' shard stores through a host, for the broker.
// Its clients leave the check of a put's root to the caller
// (CallerChecksRoot), which the broker does.
type Dialer struct{ Host *p2p.Host }

// Store returns the shard store of the provider with peer ID p.
func (d Dialer) Store(p string) (storage.ShardStore, error) {
	id, err := peer.Decode(p)
	if err != nil {
		return nil, fmt.Errorf("peer %q: %w", p, err)
	}
	return NewClient(d.Host, id, CallerChecksRoot()), nil
}
