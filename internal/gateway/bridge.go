package gateway

import (
	"github.com/opensky-network/opensky/internal/bridge"
)

// Bridge is the Polkadot bridge a gateway reports on under
// /api/v1/bridge: its status, deposits, withdrawals and anchors.
// *bridge.Bridge is one, wrapped by the node while it connects.
type Bridge interface {
	// Status is the bridge at a glance; an error means it is not running
	// (ErrUnavailable, say, while it first reaches Polkadot).
	Status() (bridge.Status, error)
	Deposits(account string) ([]bridge.Deposit, error)
	Withdrawals(account string) ([]bridge.Payout, error)
	// Withdrawal is the withdrawal of the burn transaction tx (hex);
	// bridge.ErrNotFound when the bridge has not seen it yet.
	Withdrawal(tx string) (bridge.Payout, error)
	// AnchorCovering is the first anchor at or above height;
	// bridge.ErrNotFound when there is none yet.
	AnchorCovering(height int64) (bridge.Anchor, error)
	Anchors(n int) ([]bridge.Anchor, error)
}

// WithBridge serves the bridge under /api/v1/bridge.
func WithBridge(b Bridge) Option {
	return func(s *Server) { s.bridge = b }
}
