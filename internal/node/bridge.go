package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// bridgeService runs the Polkadot bridge: it keeps trying to reach the
// Polkadot node until it answers, then runs the bridge until the node
// stops. Until then, and after a fault it cannot work past, its status
// says why it is not running.
type bridgeService struct {
	rpc string

	mu  sync.Mutex
	b   *bridge.Bridge
	err error
}

var _ gateway.Bridge = (*bridgeService)(nil)

// startBridge starts the bridge in the background (config bridge.*).
func (n *Node) startBridge(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	bc := cfg.Bridge
	asset, poll, err := bc.Parsed()
	if err != nil {
		return fmt.Errorf("bridge: %w", err)
	}
	op, err := bridgeOperator(bc)
	if err != nil {
		return err
	}
	dir := filepath.Join(cfg.DataDir, "bridge")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("bridge: %w", err)
	}
	s := &bridgeService{rpc: publicURL(bc.PolkadotRPC), err: fmt.Errorf("connecting to Polkadot at %s", publicURL(bc.PolkadotRPC))}
	n.bridge = s
	log = log.With("component", "bridge")
	n.serving.Add(1)
	go func() {
		defer n.serving.Done()
		err := s.run(ctx, n, op, bridge.Config{Operator: op, Asset: asset, StatePath: filepath.Join(dir, "bridge.db"),
			AnchorEvery: bc.AnchorEvery, Period: bc.Period, Poll: poll, Logger: log}, log)
		if err != nil && ctx.Err() == nil {
			log.Error("bridge stopped", "err", err)
			s.set(nil, err)
		}
	}()
	return nil
}

func bridgeOperator(bc config.Bridge) (*identity.Account, error) {
	if bc.DevAccount != "" {
		return identity.AccountFromURI(bc.DevAccount)
	}
	pass := os.Getenv(PassphraseEnv)
	if pass == "" {
		return nil, fmt.Errorf("bridge.account: set %s to the keystore's passphrase", PassphraseEnv)
	}
	a, err := identity.LoadAccount(bc.Account, pass)
	if err != nil {
		return nil, fmt.Errorf("bridge.account: %w", err)
	}
	return a, nil
}

// run connects, checks the operator is the chain's bridge account, and
// runs the bridge. It returns only when ctx ends or on a fault no retry
// can mend.
func (s *bridgeService) run(ctx context.Context, n *Node, op *identity.Account, bc bridge.Config, log *slog.Logger) error {
	params, err := retry(ctx, s, log, "read the chain's parameters", func() (ledger.Params, error) { return n.Ledger.Params(ctx) })
	if err != nil {
		return err
	}
	if params.Bridge != op.Address() {
		return fmt.Errorf("the operator key is account %s, but the chain's bridge account (genesis params.bridge) is %q: only that account mints deposits",
			op.Address(), params.Bridge)
	}
	chainID, err := retry(ctx, s, log, "read the chain ID", func() (string, error) { return n.Ledger.ChainID(ctx) })
	if err != nil {
		return err
	}
	bc.ChainID = chainID
	rpc := n.cfg.Bridge.PolkadotRPC
	pd, err := retry(ctx, s, log, "reach Polkadot at "+s.rpc, func() (*polkadot.Client, error) {
		return polkadot.Dial(ctx, polkadot.Options{URL: rpc, Asset: bc.Asset, Logger: log})
	})
	if err != nil {
		return err
	}
	defer pd.Close()
	b, err := bridge.New(bc, pd, newBridgeLedger(n.Ledger, op))
	if err != nil {
		return err
	}
	defer b.Close()
	s.set(b, nil)
	return b.Run(ctx)
}

// retry calls f until it succeeds or ctx ends, keeping the last error as
// the service's status, waiting longer after each failure (up to 30 s).
func retry[T any](ctx context.Context, s *bridgeService, log *slog.Logger, what string, f func() (T, error)) (T, error) {
	wait := time.Second
	for {
		v, err := f()
		if err == nil {
			return v, nil
		}
		s.set(nil, fmt.Errorf("%s: %w", what, err))
		log.Warn("bridge waiting", "to", what, "err", err, "retryIn", wait)
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

func (s *bridgeService) set(b *bridge.Bridge, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b, s.err = b, err
}

// get returns the running bridge, or the error saying why there is none.
func (s *bridgeService) get() (*bridge.Bridge, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b == nil {
		err := s.err
		if err == nil {
			err = errors.New("not started")
		}
		return nil, fmt.Errorf("the bridge is not running: %v: %w", err, gateway.ErrUnavailable)
	}
	return s.b, nil
}

func (s *bridgeService) Status() (bridge.Status, error) {
	b, err := s.get()
	if err != nil {
		return bridge.Status{PolkadotRPC: s.rpc}, err
	}
	st, err := b.Status()
	st.PolkadotRPC = s.rpc
	return st, err
}

func (s *bridgeService) Deposits(account string) ([]bridge.Deposit, error) {
	b, err := s.get()
	if err != nil {
		return nil, err
	}
	return b.Deposits(account)
}

func (s *bridgeService) Withdrawals(account string) ([]bridge.Payout, error) {
	b, err := s.get()
	if err != nil {
		return nil, err
	}
	return b.Withdrawals(account)
}

func (s *bridgeService) Withdrawal(tx string) (bridge.Payout, error) {
	b, err := s.get()
	if err != nil {
		return bridge.Payout{}, err
	}
	return b.Withdrawal(tx)
}

func (s *bridgeService) AnchorCovering(height int64) (bridge.Anchor, error) {
	b, err := s.get()
	if err != nil {
		return bridge.Anchor{}, err
	}
	return b.AnchorCovering(height)
}

func (s *bridgeService) Anchors(n int) ([]bridge.Anchor, error) {
	b, err := s.get()
	if err != nil {
		return nil, err
	}
	return b.Anchors(n)
}

// publicURL is the Polkadot node's address as the public status shows it:
// without credentials, query or fragment, which may carry an API key.
func publicURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
