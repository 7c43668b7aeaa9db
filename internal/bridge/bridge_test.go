package bridge

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

const testChain = "opensky-test"

// wnd is n whole tokens of a 12-decimal native asset: n dollars.
func wnd(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e12)) }

type env struct {
	t      *testing.T
	pd     *fakePolkadot
	led    *fakeLedger
	path   string
	b      *Bridge
	op     *identity.Account
	alice  *identity.Account
	bob    *identity.Account
	clock  time.Time
	period uint64
}

func dev(t *testing.T, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newEnv(t *testing.T) *env {
	op, alice, bob := dev(t, "//Bridge"), dev(t, "//Alice"), dev(t, "//Bob")
	e := &env{t: t, op: op, alice: alice, bob: bob, led: newFakeLedger(), path: filepath.Join(t.TempDir(), "bridge.db"),
		clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), period: 8}
	e.pd = newFakePolkadot(map[polkadot.AccountID]int64{
		polkadot.AccountID(op.PublicKey()):    1e15,
		polkadot.AccountID(alice.PublicKey()): 1e15,
		polkadot.AccountID(bob.PublicKey()):   1e15,
	})
	e.open()
	e.round() // the cursor starts at the finalized head
	return e
}

func (e *env) open() {
	e.t.Helper()
	b, err := New(Config{ChainID: testChain, Operator: e.op, Asset: polkadot.Asset{Native: true, Decimals: 12},
		StatePath: e.path, AnchorEvery: 0, Period: e.period, Retry: time.Minute,
		Now: func() time.Time { return e.clock }, Logger: slog.New(slog.DiscardHandler)}, e.pd, e.led)
	if err != nil {
		e.t.Fatal(err)
	}
	e.b = b
	e.t.Cleanup(func() { b.Close() })
}

// restart closes the bridge and opens it again on the same state file.
func (e *env) restart() {
	e.t.Helper()
	if err := e.b.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

func (e *env) round() {
	e.t.Helper()
	if err := e.b.Round(context.Background()); err != nil {
		e.t.Fatalf("round: %v", err)
	}
}

// settle makes and finalizes blocks with a round after each, n times.
func (e *env) settle(n int) {
	e.t.Helper()
	for range n {
		e.pd.produce()
		e.pd.finalize()
		e.round()
	}
}

// deposit sends amount from a to the bridge with memo as a user would;
// an empty memo sends a plain transfer.
func (e *env) deposit(a *identity.Account, amount *big.Int, memo string) {
	e.t.Helper()
	var m []byte
	if memo != "" {
		m = []byte(memo)
	}
	_, err := e.pd.SubmitTransfer(context.Background(), a, polkadot.Transfer{
		To: polkadot.AccountID(e.op.PublicKey()), Amount: amount, Memo: m})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) deposits() []Deposit {
	e.t.Helper()
	ds, err := e.b.Deposits("")
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

func TestDepositCreditedOnceOnlyAfterFinality(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.alice, wnd(5), DepositMemo(testChain, e.alice.Address()))
	e.pd.produce() // in a block, not final
	e.round()
	if got := e.led.balance(e.alice.Address()); got != 0 {
		t.Fatalf("credited %d before finality", got)
	}
	e.pd.finalize()
	e.round()
	if got := e.led.balance(e.alice.Address()); got != 5_000_000 {
		t.Fatalf("balance %d after finality, want 5000000", got)
	}
	ds := e.deposits()
	if len(ds) != 1 || ds[0].State != DepositCredited || ds[0].USD != 5_000_000 || ds[0].From != e.alice.Address() {
		t.Fatalf("deposits %+v", ds)
	}
	// Restarts, more blocks, and a state file restored from before the
	// deposit (cursor behind it, no record of it) never credit it again:
	// the bridge sees it anew, and the ledger refuses the same ref.
	e.restart()
	e.settle(3)
	back := ds[0].Block - 1
	err := e.b.st.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketDeposits).Delete([]byte(ds[0].Ref)); err != nil {
			return err
		}
		return putJSON(tx, bucketMeta, keyCursor, cursor{Number: back, Hash: e.pd.blocks[back].hash.Hex()})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.restart()
	e.settle(2)
	if got := e.led.balance(e.alice.Address()); got != 5_000_000 || len(e.led.minted) != 1 {
		t.Fatalf("balance %d, %d mints after restart", got, len(e.led.minted))
	}
	if ds := e.deposits(); len(ds) != 1 || ds[0].State != DepositCredited {
		t.Fatalf("deposits after the rewind %+v", ds)
	}
}

func TestMintRetriedAfterLedgerOutageAndCrash(t *testing.T) {
	e := newEnv(t)
	e.led.mu.Lock()
	e.led.down = true
	e.led.mu.Unlock()
	e.deposit(e.alice, wnd(2), DepositMemo(testChain, e.alice.Address()))
	e.pd.produce()
	e.pd.finalize()
	if err := e.b.Round(context.Background()); err == nil {
		t.Fatal("a round with the ledger down reported no error")
	}
	if ds := e.deposits(); len(ds) != 1 || ds[0].State != DepositCrediting {
		t.Fatalf("deposit %+v, want one crediting", ds)
	}
	e.restart() // the bridge stops between seeing and minting
	e.led.mu.Lock()
	e.led.down = false
	e.led.mu.Unlock()
	e.round()
	if got := e.led.balance(e.alice.Address()); got != 2_000_000 {
		t.Fatalf("balance %d, want 2000000", got)
	}
	// A crash after the mint but before recording it: the ledger refuses the
	// second mint of the ref, and the bridge records the deposit as credited.
	d := e.deposits()[0]
	d.State = DepositCrediting
	if err := e.b.st.update(func(tx *bolt.Tx) error { return putJSON(tx, bucketDeposits, []byte(d.Ref), d) }); err != nil {
		t.Fatal(err)
	}
	e.round()
	if got := e.led.balance(e.alice.Address()); got != 2_000_000 || e.deposits()[0].State != DepositCredited {
		t.Fatalf("balance %d, state %s", got, e.deposits()[0].State)
	}
}

func TestReorgBeforeFinalityNeverCredits(t *testing.T) {
	e := newEnv(t)
	base := uint64(len(e.pd.blocks) - 1)
	e.deposit(e.alice, wnd(7), DepositMemo(testChain, e.alice.Address()))
	e.pd.produce() // the deposit's block, best but not final
	e.round()
	e.pd.reorg(base) // another fork wins: that block and its transaction are gone
	e.pd.produce()
	e.pd.produce()
	e.pd.finalize()
	e.round()
	if got := e.led.balance(e.alice.Address()); got != 0 || len(e.deposits()) != 0 {
		t.Fatalf("credited %d from a block that was re-orged away (%d deposits)", got, len(e.deposits()))
	}
	// Sent again, it lands on the winning fork and is credited once.
	e.deposit(e.alice, wnd(7), DepositMemo(testChain, e.alice.Address()))
	e.settle(2)
	ds := e.deposits()
	if got := e.led.balance(e.alice.Address()); got != 7_000_000 || len(ds) != 1 || !strings.Contains(ds[0].Ref, e.pd.blocks[ds[0].Block].hash.Hex()) {
		t.Fatalf("balance %d, deposits %+v", got, ds)
	}
}

func TestBadDepositsAreSentBackNotCredited(t *testing.T) {
	e := newEnv(t)
	bob := e.bob
	cases := []struct {
		who    *identity.Account
		amount *big.Int
		memo   string
		reason string
	}{
		{e.alice, wnd(1), DepositMemo("another-chain", e.alice.Address()), "memo does not name"},
		{e.alice, wnd(1), DepositMemo(testChain, bob.Address()), "memo does not name"}, // names someone else
		{bob, wnd(1), "", "no deposit memo"},
		{bob, new(big.Int).Add(wnd(1), big.NewInt(1)), DepositMemo(testChain, bob.Address()), "finer than a micro-dollar"},
	}
	before := map[string]*big.Int{}
	for _, c := range cases {
		before[c.who.Address()] = e.pd.balance(polkadot.AccountID(c.who.PublicKey()))
	}
	for _, c := range cases {
		e.deposit(c.who, c.amount, c.memo) // no memo: a plain transfer
		e.settle(1)
	}
	// Refunds go one at a time, each waiting for finality.
	e.settle(3 * len(cases))
	if len(e.led.minted) != 0 {
		t.Fatalf("minted %v for bad deposits", e.led.minted)
	}
	ds := e.deposits()
	if len(ds) != len(cases) {
		t.Fatalf("%d deposits recorded, want %d", len(ds), len(cases))
	}
	for i, d := range ds {
		if d.State != DepositRefunded {
			t.Errorf("deposit %d: state %s (%s), want refunded", i, d.State, d.Reason)
		}
		want := cases[i].reason
		if !strings.Contains(d.Reason, want) {
			t.Errorf("deposit %d: reason %q, want it to say %q", i, d.Reason, want)
		}
	}
	// Everyone has what they had: each transfer came back whole (fees are
	// the bridge's; the fake charges none).
	for _, c := range cases {
		if got := e.pd.balance(polkadot.AccountID(c.who.PublicKey())); got.Cmp(before[c.who.Address()]) != 0 {
			t.Errorf("%s has %s on Polkadot, had %s", c.who.Address(), got, before[c.who.Address()])
		}
	}
}

func TestFeeTopUpIsKept(t *testing.T) {
	e := newEnv(t)
	before := e.pd.balance(polkadot.AccountID(e.op.PublicKey()))
	e.deposit(e.bob, wnd(3), FeesMemo(testChain))
	e.settle(2 + int(e.period))
	ds := e.deposits()
	if len(ds) != 1 || ds[0].State != DepositFees || len(e.led.minted) != 0 {
		t.Fatalf("deposits %+v, mints %v", ds, e.led.minted)
	}
	if got := e.pd.balance(polkadot.AccountID(e.op.PublicKey())); new(big.Int).Sub(got, before).Cmp(wnd(3)) != 0 {
		t.Fatalf("bridge balance %s, was %s: the top-up did not stay", got, before)
	}
}

// TestLostStateFileStopsTheBridge: a new state file on a chain that has
// bridged before is refused rather than paying old withdrawals again.
func TestLostStateFileStopsTheBridge(t *testing.T) {
	e := newEnv(t)
	burn := e.led.burn(e.alice.Address(), 1_000_000, e.bob.Address())
	e.settle(3)
	if p, err := e.b.Withdrawal(burn.Tx); err != nil || p.State != PayoutDone {
		t.Fatalf("withdrawal %+v %v", p, err)
	}
	e.b.Close()
	if err := os.Remove(e.path); err != nil {
		t.Fatal(err)
	}
	e.open()
	err := e.b.Round(context.Background())
	var fatal *fatalError
	if !errors.As(err, &fatal) || !strings.Contains(err.Error(), "restore the state file") {
		t.Fatalf("round on a lost state file: %v", err)
	}
	e.settle2(2)
	if n := e.transfersTo(polkadot.AccountID(e.bob.PublicKey())); n != 1 {
		t.Fatalf("%d payouts to bob, want 1", n)
	}
}

// settle2 is settle whose rounds may fail.
func (e *env) settle2(n int) {
	for range n {
		e.pd.produce()
		e.pd.finalize()
		_ = e.b.Round(context.Background())
	}
}
