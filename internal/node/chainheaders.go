package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/gateway"
)

var _ gateway.ChainHeaders = (*chainAPI)(nil)

// Headers implements gateway.ChainHeaders.
func (a *chainAPI) Headers(ctx context.Context, from, to int64) ([]api.BlockHeader, error) {
	out := make([]api.BlockHeader, 0, to-from+1)
	for h := from; h <= to; h++ {
		hd, err := a.c.Chain().Header(ctx, h)
		if errors.Is(err, chain.ErrNoBlock) {
			return nil, fmt.Errorf("block %d: %w", h, gateway.ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("block %d: %w: %w", h, gateway.ErrUnavailable, err)
		}
		out = append(out, api.BlockHeader{Height: hd.Height, Hash: hex.EncodeToString(hd.Hash),
			LastBlockHash: hex.EncodeToString(hd.LastBlockHash), Time: hd.Time, Header: hd.Raw})
	}
	return out, nil
}
