package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// Result is the outcome of one transaction.
type Result struct {
	Code   Code
	Log    string
	Data   []byte
	Events []Event
}

// Err returns the result as an error, nil on success.
func (r Result) Err() error {
	if r.Code == CodeOK {
		return nil
	}
	return &TxError{Code: r.Code, Reason: r.Log}
}

func resultOf(err error) Result {
	if err == nil {
		return Result{}
	}
	var te *TxError
	if errors.As(err, &te) {
		return Result{Code: te.Code, Log: te.Reason}
	}
	return Result{Code: CodeInternal, Log: err.Error()}
}

// Ledger is the state machine. Blocks are applied with BeginBlock,
// DeliverTx for each transaction, EndBlock and Commit; CheckTx validates a
// transaction against the committed state plus the transactions already
// checked since, so a client may send several in a row.
type Ledger struct {
	log *slog.Logger

	mu      sync.Mutex
	st      *store
	block   *overlay // the block being applied; nil between blocks
	height  int64
	pending map[string][]byte // the finished block's writes, until Commit
	hash    []byte            // app hash after EndBlock
	check   *overlay          // CheckTx's view
	sigs    *sigCache
}

// Open loads the state persisted at path ("" keeps it in memory).
func Open(path string, log *slog.Logger) (*Ledger, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := openStore(path)
	if err != nil {
		return nil, err
	}
	l := &Ledger{log: log, st: st, sigs: newSigCache(1 << 16)}
	l.check = newOverlay(st)
	return l, nil
}

// Close releases the state's file.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st.close()
}

// Height is the last committed height; AppHash its state hash.
func (l *Ledger) Height() int64 {
	l.st.mu.RLock()
	defer l.st.mu.RUnlock()
	return l.st.height
}

// AppHash is the hash of the committed state.
func (l *Ledger) AppHash() []byte {
	l.st.mu.RLock()
	defer l.st.mu.RUnlock()
	return bytes.Clone(l.st.appHash)
}

// ChainID is the chain this state belongs to ("" before InitChain).
func (l *Ledger) ChainID() string {
	var id string
	read(l.st, keyChainID, &id)
	return id
}

// InitChain writes the genesis state as height 0 and returns its hash.
// On a state that already has a genesis it only checks the chain ID.
func (l *Ledger) InitChain(chainID string, g Genesis) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := validChainID(chainID); err != nil {
		return nil, err
	}
	var have string
	if read(l.st, keyChainID, &have) {
		if have != chainID {
			return nil, fmt.Errorf("ledger: state belongs to chain %q, not %q", have, chainID)
		}
		return bytes.Clone(l.st.appHash), nil
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	o := newOverlay(l.st)
	write(o, keyChainID, chainID)
	write(o, keyParams, g.Params)
	var total int64
	for _, a := range g.Accounts {
		putAccount(o, Account{Address: a.Address, Balance: a.Balance})
		total += a.Balance
	}
	// The bridge account signs mints from the first block on, so it exists
	// from genesis even when the genesis gives it nothing.
	if b := g.Params.Bridge; b != "" {
		if _, ok := getAccount(o, b); !ok {
			putAccount(o, Account{Address: b})
		}
	}
	write(o, keySupply, Supply{Genesis: total})
	write(o, keyTreasury, Treasury{})
	hash, err := l.st.commit(0, o.writes)
	if err != nil {
		return nil, err
	}
	l.check = newOverlay(l.st)
	return hash, nil
}

// BeginBlock starts applying the block at height.
func (l *Ledger) BeginBlock(height int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending != nil {
		return fmt.Errorf("ledger: block %d is not committed", l.height)
	}
	if want := l.st.height + 1; height != want {
		return fmt.Errorf("ledger: block %d after %d", height, l.st.height)
	}
	l.block, l.height = newOverlay(l.st), height
	releaseUnbonded(l.block, height)
	return nil
}

// DeliverTx applies one transaction of the current block. A transaction
// that fails changes nothing but its sender's nonce (when it was validly
// signed with the right nonce), so it cannot be replayed.
func (l *Ledger) DeliverTx(raw []byte) Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.block == nil {
		return Result{Code: CodeInternal, Log: "no block in progress"}
	}
	return l.apply(l.block, l.height, raw, true)
}

// EndBlock finishes the block and returns the app hash it leads to.
func (l *Ledger) EndBlock() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.block == nil {
		return nil, errors.New("ledger: no block in progress")
	}
	l.pending = l.block.writes
	l.block = nil
	l.hash = hashWrites(l.st.appHash, l.height, l.pending)
	return bytes.Clone(l.hash), nil
}

// Commit persists the finished block and resets CheckTx's view to it.
func (l *Ledger) Commit() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		return errors.New("ledger: nothing to commit")
	}
	if _, err := l.st.commit(l.height, l.pending); err != nil {
		return err
	}
	l.pending = nil
	l.check = newOverlay(l.st)
	releaseUnbonded(l.check, l.height+1) // as the next block will
	return nil
}

// CheckTx validates raw for the mempool against CheckTx's view and, when
// it passes, records its effects there.
func (l *Ledger) CheckTx(raw []byte) Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.apply(l.check, l.st.height+1, raw, false)
}

// apply decodes, authenticates and executes raw on s.
func (l *Ledger) apply(s *overlay, height int64, raw []byte, deliver bool) Result {
	tx, err := DecodeTx(raw)
	if err != nil {
		return resultOf(err)
	}
	var chainID string
	read(s, keyChainID, &chainID)
	if tx.ChainID != chainID {
		return resultOf(txErr(CodeWrongChain, "signed for chain %s, this is %s", printable(tx.ChainID), chainID))
	}
	verified := l.sigs.has(tx.hash)
	if deliver {
		l.sigs.drop(tx.hash)
	}
	if !verified {
		if err := tx.VerifySignature(); err != nil {
			return resultOf(err)
		}
		if !deliver {
			l.sigs.add(tx.hash)
		}
	}
	from := tx.From()
	acct, ok := getAccount(s, from)
	if !ok {
		return resultOf(txErr(CodeNotFound, "account %s does not exist: fund it first", from))
	}
	if tx.Nonce != acct.Nonce {
		return resultOf(txErr(CodeBadNonce, "nonce %d, expected %d (a replay, or sent out of order)", tx.Nonce, acct.Nonce))
	}
	acct.Nonce++
	if deliver {
		putAccount(s, acct) // a failed transaction in a block still uses its nonce
	}
	c := &execCtx{s: newOverlay(s), height: height, chainID: chainID, params: getParams(s),
		sender: from, senderKey: tx.Sender, nonce: tx.Nonce, txHash: tx.Hash()}
	if !deliver {
		putAccount(c.s, acct) // a rejected one is not in the mempool: its nonce stays free
	}
	if err := handlers[tx.Msg.Type()](c, tx.Msg); err != nil {
		return resultOf(err)
	}
	c.s.(*overlay).write()
	c.emit("message", "sender", from, "type", tx.Msg.Type(), "nonce", fmt.Sprint(tx.Nonce))
	return Result{Data: c.data, Events: c.events}
}

// sigCache remembers transactions whose signature CheckTx verified, so
// that DeliverTx need not verify them again. The answer would be the same:
// this only saves time.
type sigCache struct {
	max  int
	seen map[[32]byte]struct{}
}

func newSigCache(max int) *sigCache { return &sigCache{max: max, seen: map[[32]byte]struct{}{}} }

func (c *sigCache) add(k [32]byte) {
	if len(c.seen) >= c.max {
		clear(c.seen)
	}
	c.seen[k] = struct{}{}
}

func (c *sigCache) has(k [32]byte) bool {
	_, ok := c.seen[k]
	return ok
}

func (c *sigCache) drop(k [32]byte) { delete(c.seen, k) }
