package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// Polkadot is what the bridge needs of the Polkadot side; *polkadot.Client
// is one.
type Polkadot interface {
	Genesis() polkadot.Hash
	FinalizedHead(ctx context.Context) (polkadot.Head, error)
	BlockHash(ctx context.Context, n uint64) (polkadot.Hash, error)
	Events(ctx context.Context, h polkadot.Hash) ([]polkadot.Event, error)
	NextNonce(ctx context.Context, who polkadot.AccountID) (uint64, error)
	NonceAt(ctx context.Context, who polkadot.AccountID, at polkadot.Hash) (uint64, error)
	SubmitTransfer(ctx context.Context, s polkadot.Signer, t polkadot.Transfer) (polkadot.Submitted, error)
	SubmitRemark(ctx context.Context, s polkadot.Signer, memo []byte, o polkadot.TxOptions) (polkadot.Submitted, error)
}

// Config sets a bridge up.
type Config struct {
	// ChainID is the OpenSky chain's ID; memos name it.
	ChainID string
	// Operator holds the bridge account's key on both chains: it must be
	// the genesis's bridge account on OpenSky, and hold a little of the
	// native token on Polkadot for fees.
	Operator polkadot.Signer
	// Asset is what a deposit moves (its decimals set the scale: one whole
	// token is one dollar).
	Asset polkadot.Asset
	// StatePath is the bbolt file of the bridge's state.
	StatePath string
	// AnchorEvery anchors the chain every that many OpenSky blocks; 0
	// anchors nothing.
	AnchorEvery int64
	// Poll is how often it looks at both chains (default 2 s).
	Poll time.Duration
	// Period is the mortal era of its Polkadot transactions, in blocks
	// (default 64): how long before an unseen payout may be sent again.
	Period uint64
	// BlocksPerRound bounds the blocks scanned on each chain per round
	// (default 200).
	BlocksPerRound int
	// Retry is how long a payout Polkadot refused waits before the next
	// attempt (default 1 min); a withdrawal refused 3 times is given back
	// on OpenSky.
	Retry  time.Duration
	Logger *slog.Logger
	// Now is the clock (tests).
	Now func() time.Time
}

func (c *Config) defaults() error {
	if c.ChainID == "" || c.Operator == nil || c.StatePath == "" {
		return errors.New("bridge: a chain ID, an operator key and a state path are needed")
	}
	if c.AnchorEvery < 0 {
		return errors.New("bridge: anchorEvery must not be negative")
	}
	if c.Poll <= 0 {
		c.Poll = 2 * time.Second
	}
	if c.Period == 0 {
		c.Period = 64
	}
	if c.BlocksPerRound <= 0 {
		c.BlocksPerRound = 200
	}
	if c.Retry <= 0 {
		c.Retry = time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// maxRefusals is how many times a payout may fail before the bridge
// stops trying: a withdrawal is then given back on OpenSky, a refund or an
// anchor is left to the operator (its status says why).
const maxRefusals = 3

// Bridge runs the bridge: see the package documentation.
type Bridge struct {
	cfg     Config
	pd      Polkadot
	led     Ledger
	st      *store
	scale   scale
	account polkadot.AccountID
	log     *slog.Logger

	mu     sync.Mutex
	health health
}

// health is what the last round saw of both chains.
type health struct {
	reachable bool
	lastErr   string
	since     time.Time
	finalized uint64
}

// New opens the bridge's state and checks it belongs to these chains.
func New(cfg Config, pd Polkadot, led Ledger) (*Bridge, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	sc, err := newScale(cfg.Asset.Decimals)
	if err != nil {
		return nil, fmt.Errorf("bridge: %w", err)
	}
	st, err := openStore(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	b := &Bridge{cfg: cfg, pd: pd, led: led, st: st, scale: sc,
		account: polkadot.AccountID(cfg.Operator.PublicKey()), log: cfg.Logger}
	id := identityRecord{ChainID: cfg.ChainID, Genesis: pd.Genesis().Hex(), Account: b.Account()}
	if err := st.bind(id); err != nil {
		st.close()
		return nil, err
	}
	return b, nil
}

// Account is the bridge account, in OpenSky's SS58 form.
func (b *Bridge) Account() string { return identity.AddressOf(b.account) }

// Close closes the state file; Run must have returned.
func (b *Bridge) Close() error { return b.st.close() }

// Run works until ctx ends: every Poll it scans both chains, credits,
// queues and sends. Errors of either chain are kept in the status and
// retried; only a state file it cannot write stops it.
func (b *Bridge) Run(ctx context.Context) error {
	b.log.Info("bridge running", "account", b.Account(), "asset", b.cfg.Asset, "anchorEvery", b.cfg.AnchorEvery)
	t := time.NewTicker(b.cfg.Poll)
	defer t.Stop()
	for {
		if err := b.Round(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var fatal *fatalError
			if errors.As(err, &fatal) {
				return err
			}
			b.log.Warn("bridge round", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// fatalError is a fault the bridge cannot work past: its state file, or a
// Polkadot chain that rewrote a block the bridge took as final.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// Round does one pass: the OpenSky side (burns to pay, anchors due, mints
// owed) and, when Polkadot answers, the Polkadot side (new finalized
// blocks, the transaction in flight, the next one).
func (b *Bridge) Round(ctx context.Context) error {
	var errs []error
	if err := b.watchBurns(ctx); err != nil {
		errs = append(errs, fmt.Errorf("opensky burns: %w", err))
	}
	if err := b.queueAnchor(ctx); err != nil {
		errs = append(errs, fmt.Errorf("opensky anchor: %w", err))
	}
	fin, err := b.pd.FinalizedHead(ctx)
	if err != nil {
		b.unreachable(err)
		errs = append(errs, err) // the client's errors name Polkadot
	} else {
		b.reachable(fin)
		cur, err := b.scan(ctx, fin)
		if err != nil {
			errs = append(errs, fmt.Errorf("polkadot scan: %w", err))
		}
		if err := b.send(ctx, fin, cur); err != nil {
			errs = append(errs, fmt.Errorf("polkadot send: %w", err))
		}
	}
	if err := b.credit(ctx); err != nil {
		errs = append(errs, fmt.Errorf("opensky mint: %w", err))
	}
	for _, e := range errs {
		var fatal *fatalError
		if errors.As(e, &fatal) {
			return e
		}
	}
	return errors.Join(errs...)
}

func (b *Bridge) unreachable(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.health.reachable || b.health.since.IsZero() {
		b.health.since = b.cfg.Now()
	}
	b.health.reachable = false
	b.health.lastErr = err.Error()
}

func (b *Bridge) reachable(fin polkadot.Head) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.health = health{reachable: true, finalized: fin.Number}
}
