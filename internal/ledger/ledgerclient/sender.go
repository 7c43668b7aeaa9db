package ledgerclient

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// CommitTimeout bounds how long Send waits for an admitted transaction to
// reach a block. A transaction the mempool later drops never does; the
// caller then sees an error and may send again.
const CommitTimeout = 30 * time.Second

// Sender submits one account's transactions. It keeps the account's next
// nonce and admits transactions to the mempool one at a time, in nonce
// order, then waits for their blocks concurrently, so that many
// transactions can be in flight at once. A nonce the chain refuses is
// read again from the chain and the transaction is signed anew once.
type Sender struct {
	c    *Client
	s    ledger.Signer
	addr string

	mu    sync.Mutex // held from signing until the mempool admitted the tx
	nonce uint64
	known bool
}

// Sender returns a sender for s's account.
func (c *Client) Sender(s ledger.Signer) *Sender {
	return &Sender{c: c, s: s, addr: identity.AddressOf(s.PublicKey())}
}

// Address is the sending account.
func (s *Sender) Address() string { return s.addr }

// Send signs msg, submits it and waits until it is in a block. A
// rejection, at admission or in the block, is a *ledger.TxError.
func (s *Sender) Send(ctx context.Context, msg ledger.Msg) (*chain.TxResult, error) {
	hash, err := s.admit(ctx, msg)
	if err != nil {
		return nil, err
	}
	return s.c.waitTx(ctx, hash)
}

// admit signs msg with the next nonce and hands it to the mempool.
func (s *Sender) admit(ctx context.Context, msg ledger.Msg) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	resyncs := 0
	for full := 0; ; {
		tx, err := s.sign(ctx, msg)
		if err != nil {
			return nil, err
		}
		r, err := s.c.c.BroadcastTxSync(ctx, tx)
		if err == nil {
			s.nonce++
			return r.Hash, nil
		}
		if errors.Is(err, chain.ErrMempoolFull) && full < 50 {
			full++
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		var te *chain.TxError
		if !errors.As(err, &te) {
			// The outcome is unknown (a lost answer): the nonce may be
			// used, so read it again before the next transaction.
			s.known = false
			return nil, err
		}
		err = ledgerError(err)
		if errors.Is(err, ledger.ErrBadNonce) && resyncs < 3 {
			resyncs++
			// The mempool's view counts transactions still pending, which
			// the committed account does not: take its expectation.
			if n, ok := expectedNonce(te.Log); ok {
				s.nonce = n
			} else {
				s.known = false
			}
			continue
		}
		return nil, err
	}
}

var expectedRE = regexp.MustCompile(`expected (\d+)`)

// expectedNonce reads the nonce a bad_nonce rejection says it expected.
func expectedNonce(log string) (uint64, bool) {
	m := expectedRE.FindStringSubmatch(log)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseUint(m[1], 10, 64)
	return n, err == nil
}

// sign signs msg with the next nonce, reading it from the chain when it
// is not known. The caller holds s.mu.
func (s *Sender) sign(ctx context.Context, msg ledger.Msg) ([]byte, error) {
	id, err := s.c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	if !s.known {
		a, err := s.c.Account(ctx, s.addr)
		if err != nil {
			return nil, fmt.Errorf("read account %s: %w", s.addr, err)
		}
		s.nonce, s.known = a.Nonce, true
	}
	return ledger.NewTx(s.s, id, s.nonce, msg)
}

// waitTx polls the chain's index until the transaction with hash is in a
// block, for at most CommitTimeout.
func (c *Client) waitTx(ctx context.Context, hash []byte) (*chain.TxResult, error) {
	ctx, cancel := context.WithTimeout(ctx, CommitTimeout)
	defer cancel()
	q := fmt.Sprintf("tx.hash='%X'", hash)
	delay := 20 * time.Millisecond
	for {
		rs, _, err := c.c.TxSearch(ctx, q, 1, 1)
		if err == nil && len(rs) > 0 {
			r := rs[0]
			if r.Code != 0 {
				return &r, &ledger.TxError{Code: ledger.Code(r.Code), Reason: r.Log}
			}
			return &r, nil
		}
		if err != nil && !strings.Contains(err.Error(), "not found") && ctx.Err() == nil {
			// A transient search error: keep polling until the deadline.
			delay = max(delay, 100*time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("transaction %X was admitted but not seen in a block: %w", hash, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 250*time.Millisecond)
	}
}
