package chain

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/cometbft/cometbft/abci/example/kvstore"
)

func TestSingleValidatorClient(t *testing.T) {
	n := startNode(t, newTestApp(), singleOptions(t))
	testClient(t, n)
}

func TestHTTPClient(t *testing.T) {
	o := singleOptions(t)
	o.RPCListen = "tcp://127.0.0.1:0"
	n := startNode(t, newTestApp(), o)
	if n.RPCAddr() == "" || n.RPCAddr() == o.RPCListen {
		t.Fatalf("RPCAddr = %q", n.RPCAddr())
	}
	c, err := NewHTTPClient(n.RPCAddr())
	if err != nil {
		t.Fatal(err)
	}
	testClient(t, c)
}

func TestBlockInterval(t *testing.T) {
	o := singleOptions(t)
	o.EmptyBlocks = true
	n := startNode(t, newTestApp(), o)
	ctx := testCtx(t, 30*time.Second)

	if err := n.WaitHeight(ctx, 2); err != nil {
		t.Fatal(err)
	}
	const blocks = 10
	st, err := n.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := n.WaitHeight(ctx, st.Height+blocks); err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start) / blocks

	first, err := n.Header(ctx, st.Height)
	if err != nil {
		t.Fatal(err)
	}
	last, err := n.Header(ctx, st.Height+blocks)
	if err != nil {
		t.Fatal(err)
	}
	chain := last.Time.Sub(first.Time) / blocks
	t.Logf("mean block interval over %d blocks: %v wall clock, %v by header time (target %v)", blocks, wall, chain, DefaultBlockTime)
	if wall > 2*time.Second {
		t.Errorf("mean block interval %v, want well under a second", wall)
	}
}

func TestRestart(t *testing.T) {
	o := singleOptions(t)
	appDir := filepath.Join(t.TempDir(), "app")

	app := kvstore.NewPersistentApplication(appDir)
	n, err := Start(testCtx(t, 20*time.Second), app, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t, 30*time.Second)
	res, err := n.BroadcastTxCommit(ctx, []byte("before=1"))
	if err != nil {
		t.Fatal(err)
	}
	id := n.NodeID()
	if err := n.WaitHeight(ctx, res.Height+1); err != nil { // the block proving the new app hash
		t.Fatal(err)
	}
	before, err := n.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := n.Status(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Status after Close: %v, want ErrClosed", err)
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	// Same home, same genesis, a fresh process-level app over the same data.
	app = kvstore.NewPersistentApplication(appDir)
	t.Cleanup(func() { _ = app.Close() })
	o.Genesis = nil // taken from the home
	n = startNode(t, app, o)
	if n.NodeID() != id {
		t.Errorf("node ID changed across restart: %s -> %s", id, n.NodeID())
	}
	after, err := n.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Height < before.Height {
		t.Errorf("height after restart %d < %d before", after.Height, before.Height)
	}
	val, _, err := n.Query(ctx, "/store", []byte("before"), 0)
	if err != nil || string(val) != "1" {
		t.Errorf("Query(before) = %q, %v; want 1", val, err)
	}
	res2, err := n.BroadcastTxCommit(ctx, []byte("after=2"))
	if err != nil {
		t.Fatal(err)
	}
	if res2.Height <= before.Height {
		t.Errorf("new tx at height %d, want > %d", res2.Height, before.Height)
	}
	t.Logf("heights: tx %d, before close %d, after restart %d, new tx %d", res.Height, before.Height, after.Height, res2.Height)

	// An app that kept nothing (Info says height 0) gets every block
	// replayed into it.
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n = startNode(t, newTestApp(), o)
	for _, kv := range [][2]string{{"before", "1"}, {"after", "2"}} {
		val, _, err := n.Query(ctx, "/store", []byte(kv[0]), 0)
		if err != nil || string(val) != kv[1] {
			t.Errorf("after replay: Query(%s) = %q, %v; want %s", kv[0], val, err, kv[1])
		}
	}
	if _, err := n.BroadcastTxCommit(ctx, []byte("replayed=3")); err != nil {
		t.Fatal(err)
	}
}

func TestCheckTxRejected(t *testing.T) {
	n := startNode(t, newTestApp(), singleOptions(t))
	ctx := testCtx(t, 10*time.Second)
	res, err := n.BroadcastTxCommit(ctx, []byte("bad-tx"))
	var txErr *TxError
	if !errors.As(err, &txErr) {
		t.Fatalf("error = %v (%T), want *TxError", err, err)
	}
	if res != nil || txErr.Code != rejectCode || txErr.Log != `refusing "bad-tx"` || len(txErr.Hash) != 32 {
		t.Errorf("got %+v, %+v", res, txErr)
	}
	t.Log(txErr)
}

func TestBroadcastTxCommitContext(t *testing.T) {
	o := singleOptions(t)
	o.BlockTime = 2 * time.Second // the tx cannot make it into a block in time
	n := startNode(t, newTestApp(), o)
	if err := n.WaitHeight(testCtx(t, 10*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t, 50*time.Millisecond)
	_, err := n.BroadcastTxCommit(ctx, []byte("slow=1"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want deadline exceeded", err)
	}
}

func TestStartErrors(t *testing.T) {
	ctx := testCtx(t, 10*time.Second)
	if _, err := Start(ctx, newTestApp(), Options{}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("no Dir: %v", err)
	}
	if _, err := Start(ctx, newTestApp(), Options{Dir: t.TempDir()}); !errors.Is(err, ErrNoGenesis) {
		t.Errorf("no genesis: %v", err)
	}
	o := singleOptions(t)
	if _, err := Start(ctx, newTestApp(), Options{Dir: o.Dir, Peers: []string{"nonsense"}}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("bad peer: %v", err)
	}
	// A different genesis for a home that has one.
	n := startNode(t, newTestApp(), o)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	k, err := InitValidator(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewGenesis("other-chain", []ValidatorKey{k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Genesis = other
	if _, err := Start(ctx, newTestApp(), o); !errors.Is(err, ErrGenesisMismatch) {
		t.Errorf("other genesis: %v", err)
	}
}
