package polkadot

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/polkadot/polkadottest"
	"github.com/opensky-network/opensky/internal/testlog"
	"golang.org/x/crypto/blake2b"
)

// testPeriod is the era of the integration test's transactions: short,
// so that a transaction the node dropped expires soon and is sent again.
const testPeriod = 8

// TestIntegration runs the client against a real Gossamer westend-dev
// node: heads, a transfer with a memo, a remark, explicit nonces, and the
// node going down and coming back.
func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Gossamer node")
	}
	n := polkadottest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	c, err := Dial(ctx, Options{URL: n.URL, HTTPClient: n.HTTPClient, Asset: Asset{Native: true, Decimals: 12},
		Timeout: 10 * time.Second, Logger: testlog.New(t)})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()

	t.Run("heads", func(t *testing.T) { testHeads(ctx, t, c) })
	t.Run("chain", func(t *testing.T) {
		// The three wait for blocks, so they run at once, whatever
		// -parallel says.
		var wg sync.WaitGroup
		for name, f := range map[string]func(context.Context, *testing.T, *Client){
			"transfer": testTransfer, "remark": testRemark, "nonce": testNonce,
		} {
			wg.Go(func() { t.Run(name, func(t *testing.T) { f(ctx, t, c) }) })
		}
		wg.Wait()
	})
	t.Run("restart", func(t *testing.T) { testRestart(ctx, t, c, n) })
}

func testHeads(ctx context.Context, t *testing.T, c *Client) {
	g, err := c.BlockHash(ctx, 0)
	if err != nil || g != c.Genesis() || g.IsZero() {
		t.Fatalf("BlockHash(0) = %v, %v; Genesis() = %v", g, err, c.Genesis())
	}
	f1, err := c.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f2 := waitFinalizedAbove(ctx, t, c, f1.Number)
	if h, err := c.BlockHash(ctx, f2.Number); err != nil || h != f2.Hash {
		t.Fatalf("BlockHash(%d) = %v, %v; finalized head says %v", f2.Number, h, err, f2.Hash)
	}
	if num, err := c.HeaderNumber(ctx, f2.Hash); err != nil || num != f2.Number {
		t.Fatalf("HeaderNumber = %d, %v; want %d", num, err, f2.Number)
	}
	best, err := c.BestHead(ctx)
	if err != nil || best.Number < f2.Number {
		t.Fatalf("BestHead = %+v, %v; finalized is %d", best, err, f2.Number)
	}
	// Substrate answers null (ErrNotFound), Gossamer an error.
	if h, err := c.BlockHash(ctx, best.Number+1000); err == nil {
		t.Fatalf("BlockHash beyond the best block = %v", h)
	}
	if _, err := c.HeaderNumber(ctx, Hash{1, 2, 3}); err == nil {
		t.Fatal("HeaderNumber of an unknown hash succeeded")
	}
	evs, err := c.Events(ctx, f2.Hash)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(evs) == 0 {
		t.Fatal("a finalized block has no events (every block has at least the inherents' ExtrinsicSuccess)")
	}
}

func testTransfer(ctx context.Context, t *testing.T, c *Client) {
	alice := polkadottest.DevAccount(t, "//Alice")
	var dest AccountID
	rand.Read(dest[:])
	amount := big.NewInt(1_000_000_000_000) // 1 WND
	memo := []byte("opensky polkadot test transfer")
	if b, err := c.Balance(ctx, dest, Hash{}); err != nil || b.Sign() != 0 {
		t.Fatalf("balance of a fresh account = %v, %v; want 0", b, err)
	}
	send := func() (Submitted, error) {
		return c.SubmitTransfer(ctx, alice, Transfer{To: dest, Amount: amount, Memo: memo, TxOptions: TxOptions{Period: testPeriod}})
	}
	s, head, mine := land(ctx, t, c, send, func(ev Event) bool {
		return ev.Kind == KindRemarked && ev.Sender == AccountID(alice.PublicKey()) && ev.RemarkHash == RemarkHash(memo)
	})
	if s.Period != testPeriod || s.Expires != s.Birth.Number+testPeriod-1 || head.Number <= s.Birth.Number || head.Number > s.Expires {
		t.Errorf("submitted %+v, included in block %d", s, head.Number)
	}
	var transfer *Event
	for i := range mine {
		if mine[i].Kind == KindTransfer {
			transfer = &mine[i]
		}
	}
	if transfer == nil || transfer.Name != "Balances.Transfer" || transfer.From != AccountID(alice.PublicKey()) ||
		transfer.To != dest || transfer.Amount.Cmp(amount) != 0 {
		t.Fatalf("no Balances.Transfer of %v from //Alice to the fresh account in the extrinsic: %+v", amount, mine)
	}
	raw := included(ctx, t, c, head, mine[0].Extrinsic, s.Hash)
	if !bytes.HasSuffix(raw, memo) {
		t.Fatalf("the included extrinsic does not end with the memo: %x", raw)
	}
	if b, err := c.Balance(ctx, dest, head.Hash); err != nil || b.Cmp(amount) != 0 {
		t.Fatalf("balance at the transfer's block = %v, %v; want %v", b, err, amount)
	}
	if *update {
		capture(ctx, t, c, head.Hash, alice.PublicKey())
	}
}

func testRemark(ctx context.Context, t *testing.T, c *Client) {
	bob := polkadottest.DevAccount(t, "//Bob")
	memo := make([]byte, 32)
	rand.Read(memo)
	send := func() (Submitted, error) { return c.SubmitRemark(ctx, bob, memo, TxOptions{Period: testPeriod}) }
	s, head, mine := land(ctx, t, c, send, func(ev Event) bool {
		return ev.Kind == KindRemarked && ev.Sender == AccountID(bob.PublicKey()) && ev.RemarkHash == RemarkHash(memo)
	})
	if head.Number > s.Expires || len(mine) < 2 {
		t.Errorf("remark %+v in block %d with events %+v", s, head.Number, mine)
	}
}

func testNonce(ctx context.Context, t *testing.T, c *Client) {
	charlie := polkadottest.DevAccount(t, "//Charlie")
	who := AccountID(charlie.PublicKey())
	n0, err := c.NextNonce(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	memos := [][]byte{[]byte("opensky nonce a"), []byte("opensky nonce b")}
	var subs []Submitted
	sender := func(i int) func() (Submitted, error) {
		return func() (Submitted, error) {
			n := n0 + uint64(i)
			return c.SubmitRemark(ctx, charlie, memos[i], TxOptions{Nonce: &n, Period: testPeriod})
		}
	}
	for i := range memos {
		s, err := sender(i)()
		if err != nil {
			t.Fatalf("submit with nonce %d: %v", n0+uint64(i), err)
		}
		if s.Nonce != n0+uint64(i) {
			t.Fatalf("submitted nonce %d, want %d", s.Nonce, n0+uint64(i))
		}
		subs = append(subs, s)
	}
	// The pool holds both; storage at the best block counts only what
	// blocks included.
	if pending, err := c.NextNonce(ctx, who); err != nil || pending < n0 || pending > n0+2 {
		t.Fatalf("NextNonce with two pending = %d, %v; want %d..%d", pending, err, n0, n0+2)
	}
	for i := range memos {
		first := true
		send := func() (Submitted, error) {
			if first {
				first = false
				return subs[i], nil
			}
			return sender(i)()
		}
		land(ctx, t, c, send, func(ev Event) bool {
			return ev.Kind == KindRemarked && ev.Sender == who && ev.RemarkHash == RemarkHash(memos[i])
		})
	}
	if got, err := c.NextNonce(ctx, who); err != nil || got != n0+2 {
		t.Fatalf("NextNonce after both landed = %d, %v; want %d", got, err, n0+2)
	}
}

func testRestart(ctx context.Context, t *testing.T, c *Client, n *polkadottest.Node) {
	alice := polkadottest.DevAccount(t, "//Alice")
	before, err := c.FinalizedHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n.Stop()
	if _, err := c.FinalizedHead(ctx); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("FinalizedHead of a stopped node: %v, want ErrUnavailable", err)
	}
	if _, err := c.Balance(ctx, AccountID(alice.PublicKey()), before.Hash); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Balance of a stopped node: %v, want ErrUnavailable", err)
	}
	if _, err := c.SubmitRemark(ctx, alice, []byte("down"), TxOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("SubmitRemark to a stopped node: %v, want ErrUnavailable", err)
	}
	n.Restart(t)
	after := waitFinalizedAbove(ctx, t, c, before.Number)
	b, err := c.Balance(ctx, AccountID(alice.PublicKey()), after.Hash)
	if err != nil || b.Sign() <= 0 {
		t.Fatalf("Alice's balance after the restart = %v, %v", b, err)
	}
	if _, err := c.NextNonce(ctx, AccountID(alice.PublicKey())); err != nil {
		t.Fatalf("NextNonce after the restart: %v", err)
	}
}

// waitFinalizedAbove polls until the finalized head is above num.
func waitFinalizedAbove(ctx context.Context, t *testing.T, c *Client, num uint64) Head {
	t.Helper()
	for {
		h, err := c.FinalizedHead(ctx)
		if err == nil && h.Number > num {
			return h
		}
		select {
		case <-ctx.Done():
			t.Fatalf("finalized head did not pass %d: %v (last error %v)", num, ctx.Err(), err)
		case <-time.After(time.Second):
		}
	}
}

// land submits with send and scans finalized blocks from the era's birth
// until an event matches; it returns the events of that event's
// extrinsic, which must have succeeded. A transaction that no block
// included by its era's end is sent again: the node sometimes drops one.
func land(ctx context.Context, t *testing.T, c *Client, send func() (Submitted, error), match func(Event) bool) (Submitted, Head, []Event) {
	t.Helper()
	for attempt := 1; attempt <= 4; attempt++ {
		s, err := send()
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		next := s.Birth.Number + 1
		for {
			fin, err := c.FinalizedHead(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for ; next <= fin.Number; next++ {
				h, err := c.BlockHash(ctx, next)
				if err != nil {
					t.Fatal(err)
				}
				evs, err := c.Events(ctx, h)
				if err != nil {
					t.Fatalf("events of block %d: %v", next, err)
				}
				for _, ev := range evs {
					if !match(ev) {
						continue
					}
					var mine []Event
					ok := false
					for _, e := range evs {
						if e.Extrinsic == ev.Extrinsic {
							mine = append(mine, e)
							ok = ok || e.Kind == KindExtrinsicSuccess
						}
					}
					if !ok || ev.Extrinsic < 0 {
						t.Fatalf("extrinsic %d of block %d did not succeed: %+v", ev.Extrinsic, next, mine)
					}
					return s, Head{Number: next, Hash: h}, mine
				}
			}
			if fin.Number > s.Expires {
				t.Logf("transaction %s (nonce %d) not included by block %d; sending it again", s.Hash, s.Nonce, s.Expires)
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("transaction %s not included: %v", s.Hash, ctx.Err())
			case <-time.After(time.Second):
			}
		}
	}
	t.Fatal("transaction not included after 4 attempts")
	return Submitted{}, Head{}, nil
}

// included checks that extrinsic index of block head is the one whose
// hash Submitted reported, and returns it.
func included(ctx context.Context, t *testing.T, c *Client, head Head, index int, want Hash) []byte {
	t.Helper()
	var blk struct {
		Block struct {
			Extrinsics []string `json:"extrinsics"`
		} `json:"block"`
	}
	if err := c.rpc.call(ctx, &blk, "chain_getBlock", head.Hash.Hex()); err != nil {
		t.Fatal(err)
	}
	if index < 0 || index >= len(blk.Block.Extrinsics) {
		t.Fatalf("block %d has %d extrinsics, no %d", head.Number, len(blk.Block.Extrinsics), index)
	}
	raw, err := parseHex(blk.Block.Extrinsics[index])
	if err != nil {
		t.Fatal(err)
	}
	if got := Hash(blake2b.Sum256(raw)); got != want {
		t.Fatalf("extrinsic %d of block %d hashes to %v, Submitted.Hash is %v", index, head.Number, got, want)
	}
	return raw
}
