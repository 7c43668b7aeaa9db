package chain

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/testlog"
)

func TestThreeValidators(t *testing.T) {
	opts, err := InitNetwork(t.TempDir(), 3, testChainID, nil)
	if err != nil {
		t.Fatal(err)
	}
	nodes := make([]*Node, len(opts))
	startAll := time.Now()
	for i, o := range opts {
		o.Logger = testlog.New(t).With("node", i)
		nodes[i] = startNode(t, newTestApp(), o)
	}
	ctx := testCtx(t, 45*time.Second)
	for i, n := range nodes {
		if err := n.WaitHeight(ctx, 1); err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
	t.Logf("three validators at height 1 after %v", time.Since(startAll))

	sent := time.Now()
	res, err := nodes[1].BroadcastTxCommit(ctx, []byte("shared=yes"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tx committed at height %d in %v", res.Height, time.Since(sent))

	// The block after the tx's carries the app hash the tx produced.
	h := res.Height + 1
	var hdrs []Header
	for i, n := range nodes {
		if err := n.WaitHeight(ctx, h); err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		hdr, err := n.Header(ctx, h)
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		hdrs = append(hdrs, hdr)

		val, _, err := n.Query(ctx, "/store", []byte("shared"), 0)
		if err != nil || string(val) != "yes" {
			t.Errorf("node %d: Query = %q, %v", i, val, err)
		}
		var (
			found []TxResult
			total int
		)
		for range 100 {
			if found, total, err = n.TxSearch(ctx, fmt.Sprintf("tx.height=%d", res.Height), 1, 10); err != nil || total > 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil || total != 1 || !bytes.Equal(found[0].Hash, res.Hash) {
			t.Errorf("node %d: TxSearch = %d %+v, %v", i, total, found, err)
		}
		st, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Validators != 3 || st.Power != 1 || st.CatchingUp {
			t.Errorf("node %d: Status = %+v", i, st)
		}
	}
	for i := 1; i < len(hdrs); i++ {
		if !bytes.Equal(hdrs[i].AppHash, hdrs[0].AppHash) || !bytes.Equal(hdrs[i].Hash, hdrs[0].Hash) {
			t.Errorf("height %d differs: node 0 app %X block %X, node %d app %X block %X",
				h, hdrs[0].AppHash, hdrs[0].Hash, i, hdrs[i].AppHash, hdrs[i].Hash)
		}
	}
	t.Logf("height %d app hash %X on all three", h, hdrs[0].AppHash)
}
