package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
)

// PassphraseEnv names the variable that holds the node account's
// keystore passphrase.
const PassphraseEnv = "OPENSKY_PASSPHRASE"

// startChain runs the chain validator when this node is one, and connects
// the node to the chain either way.
func (n *Node) startChain(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	c := cfg.Chain
	var client chain.Client
	if c.Validator {
		home := filepath.Join(cfg.DataDir, "chain")
		if err := os.MkdirAll(home, 0o700); err != nil {
			return fmt.Errorf("chain: %w", err)
		}
		l, err := ledger.Open(filepath.Join(home, "ledger.db"), log.With("component", "ledger"))
		if err != nil {
			return err
		}
		n.ledger = l
		every, _ := c.BlockInterval()
		opts := chain.Options{Dir: home, Peers: c.Peers, P2PListen: c.P2PListen, RPCListen: c.RPCListen,
			BlockTime: every, Logger: log.With("component", "chain")}
		if c.Genesis != "" {
			if opts.Genesis, err = chain.LoadGenesis(c.Genesis); err != nil {
				return fmt.Errorf("chain genesis: %w", err)
			}
		}
		node, err := chain.Start(ctx, ledger.NewApp(l), opts)
		if err != nil {
			return fmt.Errorf("chain: %w", err)
		}
		n.ChainNode, client = node, node
	} else {
		h, err := chain.NewHTTPClient(c.RPC)
		if err != nil {
			return fmt.Errorf("chain.rpc: %w", err)
		}
		client = h
	}
	n.Ledger = ledgerclient.New(client)
	if c.Faucet != "" {
		f, err := identity.AccountFromURI(c.Faucet)
		if err != nil {
			return fmt.Errorf("chain.faucet: %w", err)
		}
		n.faucet = n.Ledger.Sender(f)
	}
	if c.Account != "" || c.DevAccount != "" {
		acct, err := loadAccount(c)
		if err != nil {
			return err
		}
		n.Account = acct
	}
	return nil
}

// loadAccount reads the node's account from its keystore (passphrase in
// OPENSKY_PASSPHRASE) or, on a local network, from a development URI.
func loadAccount(c config.Chain) (*identity.Account, error) {
	if c.DevAccount != "" {
		return identity.AccountFromURI(c.DevAccount)
	}
	pass, ok := os.LookupEnv(PassphraseEnv)
	if !ok || pass == "" {
		return nil, fmt.Errorf("chain.account: set %s to the passphrase of %s", PassphraseEnv, c.Account)
	}
	a, err := identity.LoadAccount(c.Account, pass)
	if err != nil {
		return nil, fmt.Errorf("chain.account: %w", err)
	}
	return a, nil
}

// registerProvider registers this provider on the chain with its stake,
// retrying until the chain answers: a provider starts before the chain it
// uses may be reachable.
func (n *Node) registerProvider(ctx context.Context, cfg config.Config, off ledgerclient.Offer) {
	key, err := identity.LoadOrCreatePeerKey(filepath.Join(cfg.DataDir, "peer.key"))
	if err != nil {
		n.log.Error("provider registration: peer key", "err", err)
		return
	}
	s := n.Ledger.Sender(n.Account)
	backoff := 200 * time.Millisecond
	for {
		p, err := ledgerclient.EnsureRegistered(ctx, n.Ledger, s, key, off)
		if err == nil {
			n.log.Info("registered on the chain", "account", s.Address(), "peer", p.PeerID, "stake", ledger.FormatUSD(p.Stake))
			return
		}
		if errors.Is(err, ledger.ErrInsufficientFunds) || errors.Is(err, ledger.ErrInvalid) || errors.Is(err, ledger.ErrConflict) {
			n.log.Error("provider registration refused by the chain", "account", s.Address(), "err", err)
			return
		}
		n.log.Debug("provider registration: chain not ready", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}
