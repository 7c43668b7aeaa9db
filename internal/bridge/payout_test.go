package bridge

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/polkadot"
)

func (e *env) withdrawal(burn Burn) Payout {
	e.t.Helper()
	p, err := e.b.Withdrawal(burn.Tx)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// transfersTo counts the finalized transfers to a on Polkadot.
func (e *env) transfersTo(a polkadot.AccountID) (n int) {
	for _, b := range e.pd.blocks[:e.pd.finalized+1] {
		for _, ev := range b.events {
			if ev.Kind == polkadot.KindTransfer && ev.To == a {
				n++
			}
		}
	}
	return n
}

func TestWithdrawalPaidOnce(t *testing.T) {
	e := newEnv(t)
	carol := dev(t, "//Carol")
	dest := polkadot.AccountID(carol.PublicKey())
	// The burner names its Polkadot address in Polkadot's own SS58 form.
	burn := e.led.burn(e.alice.Address(), 3_250_000, identity.PolkadotAddressOf(carol.PublicKey()))
	e.round()
	if p := e.withdrawal(burn); p.State != PayoutSubmitted || p.To != carol.Address() || p.Amount != "3250000000000" {
		t.Fatalf("withdrawal %+v", p)
	}
	// A restart while it is in flight sends nothing more.
	e.restart()
	e.round()
	e.settle(2)
	p := e.withdrawal(burn)
	if p.State != PayoutDone || p.Attempts != 1 || p.Block == 0 {
		t.Fatalf("withdrawal %+v, want done after one attempt", p)
	}
	if got := e.pd.balance(dest); got.Cmp(big.NewInt(3_250_000_000_000)) != 0 {
		t.Fatalf("carol has %s on Polkadot", got)
	}
	e.settle(2 * int(e.period))
	if n := e.transfersTo(dest); n != 1 {
		t.Fatalf("%d transfers to carol, want 1", n)
	}
}

func TestDroppedPayoutIsSentAgainAfterItsEra(t *testing.T) {
	e := newEnv(t)
	carol := dev(t, "//Carol")
	dest := polkadot.AccountID(carol.PublicKey())
	e.pd.dropNext = true
	burn := e.led.burn(e.alice.Address(), 1_000_000, carol.Address())
	e.round()
	first := e.withdrawal(burn)
	// Until its era is over it may still land: nothing is sent again.
	for range int(e.period) - 1 {
		e.settle(1)
		if p := e.withdrawal(burn); p.Attempts != 1 {
			t.Fatalf("sent again at block %d, before the era of the first attempt (to %d) ended", e.pd.finalized, first.Expires)
		}
	}
	e.settle(int(e.period) + 4)
	p := e.withdrawal(burn)
	if p.State != PayoutDone || p.Attempts != 2 {
		t.Fatalf("withdrawal %+v, want done at the second attempt", p)
	}
	if n := e.transfersTo(dest); n != 1 {
		t.Fatalf("%d transfers, want 1", n)
	}
}

func TestCrashWhileSendingNeverPaysTwice(t *testing.T) {
	for _, sent := range []bool{false, true} {
		name := map[bool]string{false: "not sent", true: "sent"}[sent]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			carol := dev(t, "//Carol")
			dest := polkadot.AccountID(carol.PublicKey())
			burn := e.led.burn(e.alice.Address(), 1_000_000, carol.Address())
			// The bridge recorded the attempt and lost the node's answer (or
			// stopped), having sent it or not.
			e.pd.submitErr = fmt.Errorf("lost answer: %w", polkadot.ErrUnavailable)
			if err := e.b.Round(context.Background()); err == nil {
				t.Fatal("no error")
			}
			e.pd.submitErr = nil
			if sent {
				p := e.withdrawal(burn)
				amount, _ := new(big.Int).SetString(p.Amount, 10)
				n := p.Nonce
				if _, err := e.pd.SubmitTransfer(context.Background(), e.op, polkadot.Transfer{To: dest, Amount: amount,
					Memo: []byte(p.Memo), TxOptions: polkadot.TxOptions{Nonce: &n, Period: e.period}}); err != nil {
					t.Fatal(err)
				}
			}
			e.restart()
			e.settle(3*int(e.period) + 2*expiryMargin)
			p := e.withdrawal(burn)
			if p.State != PayoutDone {
				t.Fatalf("withdrawal %+v", p)
			}
			if n := e.transfersTo(dest); n != 1 {
				t.Fatalf("%d transfers, want 1", n)
			}
		})
	}
}

func TestRefusedWithdrawalsAreGivenBack(t *testing.T) {
	e := newEnv(t)
	carol := dev(t, "//Carol")
	bad := e.led.burn(e.alice.Address(), 1_000_000, "not-an-address")
	e.round()
	if p := e.withdrawal(bad); p.State != PayoutRefused || !strings.Contains(p.Reason, "not an SS58 address") || p.RemintTx == "" {
		t.Fatalf("withdrawal to a bad address: %+v", p)
	}
	// Polkadot includes the payouts but they fail (no funds): after three
	// refusals, spaced by the retry delay, the amount comes back.
	e.pd.failAll = true
	failing := e.led.burn(e.alice.Address(), 2_000_000, carol.Address())
	e.round()
	for i := 0; i < 10 && e.withdrawal(failing).State != PayoutRefused; i++ {
		e.settle(int(e.period) + expiryMargin + 2)
		e.clock = e.clock.Add(10 * time.Minute)
	}
	p := e.withdrawal(failing)
	if p.State != PayoutRefused || p.Refusals != maxRefusals || p.RemintTx == "" {
		t.Fatalf("withdrawal %+v", p)
	}
	if got := e.led.balance(e.alice.Address()); got != 0 {
		t.Fatalf("alice has %d on OpenSky after both burns were given back, want 0", got)
	}
	if e.led.minted["remint:"+bad.Tx] != 1_000_000 || e.led.minted["remint:"+failing.Tx] != 2_000_000 {
		t.Fatalf("mints %v", e.led.minted)
	}
	e.restart()
	e.settle(2)
	if len(e.led.minted) != 2 {
		t.Fatalf("mints after restart %v", e.led.minted)
	}
}

func TestAnchors(t *testing.T) {
	e := newEnv(t)
	e.b.cfg.AnchorEvery = 5
	e.led.advance(3) // height 4
	e.settle(1)
	if as, _ := e.b.Anchors(10); len(as) != 0 {
		t.Fatalf("anchored %+v before 5 blocks", as)
	}
	e.led.advance(1) // height 5: due
	head, hash, _ := e.led.Head(context.Background())
	e.settle(3)
	a, err := e.b.AnchorCovering(1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Height != head || a.Hash != hex.EncodeToString(hash) {
		t.Fatalf("anchor %+v, want height %d", a, head)
	}
	chainID, h, bh, err := ParseAnchorMemo(a.Memo)
	if err != nil || chainID != testChain || h != head || bh != a.Hash {
		t.Fatalf("memo %q: %v", a.Memo, err)
	}
	// The event in the Polkadot block is the bridge's remark of that memo.
	ev := e.pd.blocks[a.Block].events[a.Event]
	if ev.Kind != polkadot.KindRemarked || ev.Sender != polkadot.AccountID(e.op.PublicKey()) || ev.RemarkHash != polkadot.RemarkHash([]byte(a.Memo)) {
		t.Fatalf("event %+v", ev)
	}
	if _, err := e.b.AnchorCovering(head + 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("anchor above the last: %v", err)
	}
	// While an anchor waits no other is queued; the next one anchors the
	// head of its time, covering everything before.
	e.led.advance(20)
	e.pd.setDown(true)
	e.round2()
	e.led.advance(20)
	e.round2()
	e.pd.setDown(false)
	e.settle(4)
	as, _ := e.b.Anchors(10)
	if len(as) != 3 || as[1].Height != head+20 || as[0].Height != head+40 {
		t.Fatalf("anchors %+v", as)
	}
}

// round2 is a round that may report Polkadot down.
func (e *env) round2() {
	e.t.Helper()
	err := e.b.Round(context.Background())
	if err != nil && !errors.Is(err, polkadot.ErrUnavailable) {
		e.t.Fatal(err)
	}
}

func TestPolkadotDownIsReportedAndResumed(t *testing.T) {
	e := newEnv(t)
	e.pd.setDown(true)
	e.clock = e.clock.Add(time.Second)
	down := e.clock
	err := e.b.Round(context.Background())
	if !errors.Is(err, polkadot.ErrUnavailable) {
		t.Fatalf("round: %v", err)
	}
	burn := e.led.burn(e.alice.Address(), 1_000_000, e.bob.Address())
	e.clock = e.clock.Add(time.Minute)
	e.round2()
	st, err := e.b.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Reachable || !st.Since.Equal(down) || !strings.Contains(st.LastError, "unavailable") || st.Pending != 1 {
		t.Fatalf("status while down %+v", st)
	}
	// Meanwhile a deposit lands on Polkadot; the bridge catches up on return.
	e.pd.setDown(false)
	e.deposit(e.alice, wnd(4), DepositMemo(testChain, e.alice.Address()))
	e.pd.produce()
	e.pd.produce()
	e.pd.finalize()
	e.settle(3)
	if got := e.led.balance(e.alice.Address()); got != 4_000_000-1_000_000 {
		t.Fatalf("alice has %d on OpenSky", got)
	}
	if p := e.withdrawal(burn); p.State != PayoutDone {
		t.Fatalf("withdrawal %+v", p)
	}
	st, _ = e.b.Status()
	if !st.Reachable || st.Pending != 0 || st.Processed != e.pd.finalized {
		t.Fatalf("status %+v", st)
	}
}

func TestStateFileBelongsToOneNetwork(t *testing.T) {
	e := newEnv(t)
	e.b.Close()
	_, err := New(Config{ChainID: "other", Operator: e.op, Asset: polkadot.Asset{Native: true, Decimals: 12},
		StatePath: e.path}, e.pd, e.led)
	if err == nil || !strings.Contains(err.Error(), "belongs to chain") {
		t.Fatalf("opening another chain's state: %v", err)
	}
	e.open()
	// And the state's view of a final block must never change.
	e.pd.produce()
	e.pd.finalize()
	e.round()
	e.pd.mu.Lock()
	e.pd.blocks[e.pd.finalized].hash[0] ^= 1
	e.pd.mu.Unlock()
	e.pd.produce()
	e.pd.finalize()
	err = e.b.Round(context.Background())
	var fatal *fatalError
	if !errors.As(err, &fatal) || !strings.Contains(err.Error(), "not the chain the bridge watched") {
		t.Fatalf("round on a rewritten chain: %v", err)
	}
	_ = bolt.Tx{}
}

// TestLateAttemptNeverPaysTwice: the first attempt is held back by the
// node past its era; the payout is sent again with the same nonce; then
// the first comes back. Only one can land.
func TestLateAttemptNeverPaysTwice(t *testing.T) {
	e := newEnv(t)
	carol := dev(t, "//Carol")
	dest := polkadot.AccountID(carol.PublicKey())
	e.pd.holdNext = true
	burn := e.led.burn(e.alice.Address(), 1_000_000, carol.Address())
	e.round()
	e.settle(int(e.period) + expiryMargin + 2) // the first attempt's era is over: sent again
	if p := e.withdrawal(burn); p.Attempts != 2 {
		t.Fatalf("withdrawal %+v, want a second attempt", p)
	}
	e.pd.release()
	e.settle(int(e.period) + 4)
	if p := e.withdrawal(burn); p.State != PayoutDone {
		t.Fatalf("withdrawal %+v", p)
	}
	if n := e.transfersTo(dest); n != 1 {
		t.Fatalf("%d transfers to carol, want 1", n)
	}
}

// TestUncreditableDepositDoesNotBlockOthers: a deposit the ledger refuses
// for good is sent back, and the deposits after it are credited.
func TestUncreditableDepositDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t)
	e.deposit(e.alice, wnd(1), DepositMemo(testChain, e.alice.Address()))
	e.pd.produce()
	e.pd.finalize()
	e.led.refuse = map[string]bool{}
	// The first deposit's ref is known only once the block exists.
	evs := e.pd.blocks[len(e.pd.blocks)-1].events
	for _, ev := range evs {
		if ev.Kind == polkadot.KindTransfer {
			e.led.refuse[refOf(e.pd.blocks[len(e.pd.blocks)-1].hash, ev.Index)] = true
		}
	}
	e.deposit(e.bob, wnd(2), DepositMemo(testChain, e.bob.Address()))
	e.settle(3 + int(e.period))
	if got := e.led.balance(e.bob.Address()); got != 2_000_000 {
		t.Fatalf("bob has %d: the refused deposit blocked the next", got)
	}
	ds, _ := e.b.Deposits(e.alice.Address())
	if len(ds) != 1 || ds[0].State != DepositRefunded || !strings.Contains(ds[0].Reason, "refused to credit") {
		t.Fatalf("alice's deposit %+v", ds)
	}
	// More than the chain holds in one amount is sent back at once.
	huge := new(big.Int).Mul(big.NewInt(2_000_000_000), big.NewInt(1e12))
	e.pd.mu.Lock()
	e.pd.tip().balances[polkadot.AccountID(e.alice.PublicKey())] = new(big.Int).Mul(huge, big.NewInt(2))
	e.pd.mu.Unlock()
	e.deposit(e.alice, huge, DepositMemo(testChain, e.alice.Address()))
	e.settle(3 + int(e.period))
	ds, _ = e.b.Deposits(e.alice.Address())
	if len(ds) != 2 || ds[1].State != DepositRefunded || !strings.Contains(ds[1].Reason, "more than the chain holds") {
		t.Fatalf("alice's deposits %+v", ds)
	}
}
