package orchestrator

import (
	"context"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
)

// Candidates is every provider whose presence the orchestrator currently
// holds. On a network that charges, only registered providers are in it,
// with their reputation and owning account. Storage placement selects
// shard holders from it.
func (o *Orchestrator) Candidates(ctx context.Context) []selection.Candidate {
	return o.payable(ctx, o.presence.candidates(o.inflight), map[string]string{})
}
