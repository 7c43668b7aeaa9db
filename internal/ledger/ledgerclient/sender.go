package ledgerclient

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// Sender submits one account's transactions. It keeps the account's next
// nonce, so that several transactions can be in flight at once; a nonce
// the chain refuses is read again from the chain and the transaction is
// signed anew once.
type Sender struct {
	c    *Client
	s    ledger.Signer
	addr string

	mu    sync.Mutex
	nonce uint64
	known bool
}

// Sender returns a sender for s's account.
func (c *Client) Sender(s ledger.Signer) *Sender {
	return &Sender{c: c, s: s, addr: identity.AddressOf(s.PublicKey())}
}

// Address is the sending account.
func (s *Sender) Address() string { return s.addr }

// Send signs msg, submits it and waits until it is in a block.
func (s *Sender) Send(ctx context.Context, msg ledger.Msg) (*chain.TxResult, error) {
	for attempt := 0; ; attempt++ {
		tx, nonce, err := s.sign(ctx, msg)
		if err != nil {
			return nil, err
		}
		r, err := s.c.Broadcast(ctx, tx)
		if errors.Is(err, ledger.ErrBadNonce) && attempt == 0 && (r == nil || r.Height == 0) {
			s.forget(nonce)
			continue
		}
		if err != nil && (r == nil || r.Height == 0) {
			// Not in a block: the nonce was not used.
			s.forget(nonce)
		}
		return r, err
	}
}

// sign takes the next nonce and signs msg with it.
func (s *Sender) sign(ctx context.Context, msg ledger.Msg) ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.c.ChainID(ctx)
	if err != nil {
		return nil, 0, err
	}
	if !s.known {
		a, err := s.c.Account(ctx, s.addr)
		if err != nil {
			return nil, 0, fmt.Errorf("read account %s: %w", s.addr, err)
		}
		s.nonce, s.known = a.Nonce, true
	}
	tx, err := ledger.NewTx(s.s, id, s.nonce, msg)
	if err != nil {
		return nil, 0, err
	}
	n := s.nonce
	s.nonce++
	return tx, n, nil
}

// forget makes the sender read its nonce from the chain again.
func (s *Sender) forget(uint64) {
	s.mu.Lock()
	s.known = false
	s.mu.Unlock()
}
