package bridge

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/polkadot"
)

// fakePolkadot is a small in-memory Polkadot for unit tests: blocks made
// on demand from a pool, a finalized head set by the test, forks, a node
// that is down, transactions dropped or failing.
type fakePolkadot struct {
	mu        sync.Mutex
	blocks    []fakeBlock
	finalized uint64
	pool      []fakeTx
	fork      int
	down      bool
	dropNext  bool // the pool loses the next transaction submitted
	holdNext  bool // the next transaction submitted is held back until release
	held      []fakeTx
	failAll   bool // included transfers fail (no funds, say)
	submitErr error
}

type fakeBlock struct {
	hash     polkadot.Hash
	events   []polkadot.Event
	balances map[polkadot.AccountID]*big.Int // after the block
	nonces   map[polkadot.AccountID]uint64
}

type fakeTx struct {
	signer   polkadot.AccountID
	nonce    uint64
	expires  uint64
	transfer bool
	to       polkadot.AccountID
	amount   *big.Int
	memo     []byte
}

var errDown = fmt.Errorf("fake: %w", polkadot.ErrUnavailable)

func newFakePolkadot(funded map[polkadot.AccountID]int64) *fakePolkadot {
	g := fakeBlock{balances: map[polkadot.AccountID]*big.Int{}, nonces: map[polkadot.AccountID]uint64{}}
	for a, v := range funded {
		g.balances[a] = big.NewInt(v)
	}
	g.hash = blockHash(0, 0)
	return &fakePolkadot{blocks: []fakeBlock{g}}
}

func blockHash(n uint64, fork int) polkadot.Hash {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], n)
	binary.BigEndian.PutUint64(b[8:], uint64(fork))
	return sha256.Sum256(b[:])
}

func (f *fakePolkadot) tip() *fakeBlock { return &f.blocks[len(f.blocks)-1] }

// produce makes the next block from the pool.
func (f *fakePolkadot) produce() {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := uint64(len(f.blocks))
	prev := f.tip()
	blk := fakeBlock{hash: blockHash(n, f.fork), balances: map[polkadot.AccountID]*big.Int{}, nonces: map[polkadot.AccountID]uint64{}}
	for a, v := range prev.balances {
		blk.balances[a] = new(big.Int).Set(v)
	}
	for a, v := range prev.nonces {
		blk.nonces[a] = v
	}
	var idx uint32
	ev := func(x int, e polkadot.Event) {
		e.Index, e.Extrinsic = idx, x
		idx++
		blk.events = append(blk.events, e)
	}
	ev(-1, polkadot.Event{Kind: polkadot.KindOther, Name: "System.Initialization"})
	ev(0, polkadot.Event{Kind: polkadot.KindExtrinsicSuccess, Name: "System.ExtrinsicSuccess"}) // timestamp
	var keep []fakeTx
	x := 1
	for _, t := range f.pool {
		switch {
		case t.expires < n || t.nonce < blk.nonces[t.signer]:
			continue // dead
		case t.nonce > blk.nonces[t.signer]:
			keep = append(keep, t)
			continue
		}
		blk.nonces[t.signer]++
		bal := blk.balances[t.signer]
		if bal == nil {
			bal = new(big.Int)
		}
		if t.transfer && (f.failAll || bal.Cmp(t.amount) < 0) {
			ev(x, polkadot.Event{Kind: polkadot.KindExtrinsicFailed, Name: "System.ExtrinsicFailed"})
			x++
			continue
		}
		if t.transfer {
			blk.balances[t.signer] = new(big.Int).Sub(bal, t.amount)
			to := blk.balances[t.to]
			if to == nil {
				to = new(big.Int)
			}
			blk.balances[t.to] = new(big.Int).Add(to, t.amount)
			ev(x, polkadot.Event{Kind: polkadot.KindTransfer, Name: "Balances.Transfer", From: t.signer, To: t.to, Amount: new(big.Int).Set(t.amount)})
		}
		if t.memo != nil { // a nil memo is a plain transfer
			ev(x, polkadot.Event{Kind: polkadot.KindRemarked, Name: "System.Remarked", Sender: t.signer, RemarkHash: polkadot.RemarkHash(t.memo)})
		}
		ev(x, polkadot.Event{Kind: polkadot.KindExtrinsicSuccess, Name: "System.ExtrinsicSuccess"})
		x++
	}
	f.pool = keep
	f.blocks = append(f.blocks, blk)
}

// finalize makes every block up to the tip final.
func (f *fakePolkadot) finalize() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finalized = uint64(len(f.blocks) - 1)
}

// reorg drops the blocks above number n (they must not be final) and
// their transactions with them.
func (f *fakePolkadot) reorg(n uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < f.finalized {
		panic("reorg below finality")
	}
	f.blocks = f.blocks[:n+1]
	f.fork++
}

func (f *fakePolkadot) balance(a polkadot.AccountID) *big.Int {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.blocks[f.finalized].balances[a]
	if b == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(b)
}

func (f *fakePolkadot) setDown(v bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = v
}

func (f *fakePolkadot) Genesis() polkadot.Hash { return f.blocks[0].hash }

func (f *fakePolkadot) FinalizedHead(context.Context) (polkadot.Head, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return polkadot.Head{}, errDown
	}
	return polkadot.Head{Number: f.finalized, Hash: f.blocks[f.finalized].hash}, nil
}

func (f *fakePolkadot) BlockHash(_ context.Context, n uint64) (polkadot.Hash, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return polkadot.Hash{}, errDown
	}
	if n >= uint64(len(f.blocks)) {
		return polkadot.Hash{}, errors.New("fake: no such block")
	}
	return f.blocks[n].hash, nil
}

func (f *fakePolkadot) Events(_ context.Context, h polkadot.Hash) ([]polkadot.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return nil, errDown
	}
	for _, b := range f.blocks {
		if b.hash == h {
			return append([]polkadot.Event(nil), b.events...), nil
		}
	}
	return nil, errors.New("fake: unknown block")
}

func (f *fakePolkadot) NextNonce(_ context.Context, who polkadot.AccountID) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return 0, errDown
	}
	return f.tip().nonces[who], nil
}

// release puts the held transactions in the pool, as a node that was slow
// to gossip them would.
func (f *fakePolkadot) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pool = append(f.pool, f.held...)
	f.held = nil
}

func (f *fakePolkadot) NonceAt(_ context.Context, who polkadot.AccountID, at polkadot.Hash) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return 0, errDown
	}
	for _, b := range f.blocks {
		if b.hash == at {
			return b.nonces[who], nil
		}
	}
	return 0, errors.New("fake: unknown block")
}

func (f *fakePolkadot) submit(s polkadot.Signer, t fakeTx, o polkadot.TxOptions) (polkadot.Submitted, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return polkadot.Submitted{}, errDown
	}
	if f.submitErr != nil {
		return polkadot.Submitted{}, f.submitErr
	}
	t.signer = polkadot.AccountID(s.PublicKey())
	t.nonce = f.tip().nonces[t.signer]
	if o.Nonce != nil {
		t.nonce = *o.Nonce
	}
	period := o.Period
	if period == 0 {
		period = 64
	}
	birth := f.finalized
	t.expires = birth + period - 1
	sub := polkadot.Submitted{Hash: sha256.Sum256(append(t.memo, byte(t.nonce))), Nonce: t.nonce,
		Birth: polkadot.Head{Number: birth, Hash: f.blocks[birth].hash}, Period: period, Expires: t.expires}
	if f.dropNext {
		f.dropNext = false
		return sub, nil
	}
	if f.holdNext {
		f.holdNext = false
		t.expires = ^uint64(0) // it comes back, late, and still valid
		f.held = append(f.held, t)
		return sub, nil
	}
	f.pool = append(f.pool, t)
	return sub, nil
}

func (f *fakePolkadot) SubmitTransfer(_ context.Context, s polkadot.Signer, t polkadot.Transfer) (polkadot.Submitted, error) {
	return f.submit(s, fakeTx{transfer: true, to: t.To, amount: new(big.Int).Set(t.Amount), memo: t.Memo}, t.TxOptions)
}

func (f *fakePolkadot) SubmitRemark(_ context.Context, s polkadot.Signer, memo []byte, o polkadot.TxOptions) (polkadot.Submitted, error) {
	return f.submit(s, fakeTx{memo: memo}, o)
}

// fakeLedger is an in-memory OpenSky chain: balances, mints by ref, burns
// by height.
type fakeLedger struct {
	mu       sync.Mutex
	height   int64
	balances map[string]int64
	minted   map[string]int64 // ref → amount
	burns    map[int64][]Burn
	down     bool
	refuse   map[string]bool // refs the ledger will never mint
}

func newFakeLedger() *fakeLedger {
	return &fakeLedger{height: 1, balances: map[string]int64{}, minted: map[string]int64{}, burns: map[int64][]Burn{}}
}

func (l *fakeLedger) Head(context.Context) (int64, []byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return 0, nil, errors.New("fake ledger down")
	}
	h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(l.height)))
	return l.height, h[:], nil
}

func (l *fakeLedger) Mint(_ context.Context, to string, usd int64, ref string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return "", errors.New("fake ledger down")
	}
	if _, ok := l.minted[ref]; ok {
		return "", ErrCredited
	}
	if l.refuse[ref] {
		return "", &ledger.TxError{Code: ledger.CodeInvalid, Reason: "amount: out of range"}
	}
	l.minted[ref] = usd
	l.balances[to] += usd
	l.height++
	return fmt.Sprintf("mint-%d", l.height), nil
}

func (l *fakeLedger) Burns(_ context.Context, h int64) ([]Burn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down {
		return nil, errors.New("fake ledger down")
	}
	return l.burns[h], nil
}

func (l *fakeLedger) Bridged(context.Context) (minted, burned int64, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range l.minted {
		minted += v
	}
	for _, bs := range l.burns {
		for _, b := range bs {
			burned += b.USD
		}
	}
	return minted, burned, nil
}

// burn takes usd from an account in a new block, as bank/burn does.
func (l *fakeLedger) burn(from string, usd int64, dest string) Burn {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.height++
	l.balances[from] -= usd
	b := Burn{Tx: fmt.Sprintf("%064x", l.height), Height: l.height, From: from, USD: usd, Dest: dest}
	l.burns[l.height] = append(l.burns[l.height], b)
	return b
}

func (l *fakeLedger) balance(a string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[a]
}

func (l *fakeLedger) advance(n int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.height += n
}
