package chain

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// testClient is the conformance suite every Client passes, against a
// running chain whose app is testApp.
func testClient(t *testing.T, c Client) {
	ctx := testCtx(t, 30*time.Second)
	key := fmt.Sprintf("k%d", time.Now().UnixNano())

	st, err := c.Status(ctx)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if st.ChainID != testChainID || st.NodeID == "" || st.P2PAddr == "" || st.Validators < 1 {
		t.Fatalf("Status = %+v", st)
	}

	res, err := c.BroadcastTxCommit(ctx, []byte(key+"=v1"))
	if err != nil {
		t.Fatalf("BroadcastTxCommit: %v", err)
	}
	if res.Height <= 0 || res.Code != 0 || len(res.Hash) != 32 {
		t.Fatalf("BroadcastTxCommit = %+v", res)
	}
	if !hasAttr(res.Events, "key", key) {
		t.Errorf("events %v lack key=%s", res.Events, key)
	}

	val, h, err := c.Query(ctx, "/store", []byte(key), 0)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	if string(val) != "v1" || h < res.Height {
		t.Errorf("Query = %q at %d, want v1 at >= %d", val, h, res.Height)
	}

	// The indexer catches up with the block just after the commit.
	var (
		found []TxResult
		total int
	)
	for range 100 {
		found, total, err = c.TxSearch(ctx, fmt.Sprintf("app.key='%s'", key), 1, 10)
		if err != nil {
			t.Fatalf("TxSearch: %v", err)
		}
		if total > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if total != 1 || len(found) != 1 || found[0].Height != res.Height || string(found[0].Hash) != string(res.Hash) {
		t.Errorf("TxSearch = %d %+v, want the tx at %d", total, found, res.Height)
	}

	hdr, err := c.Header(ctx, res.Height)
	if err != nil {
		t.Fatalf("Header: %v", err)
	}
	if hdr.Height != res.Height || hdr.NumTxs < 1 || len(hdr.Hash) != 32 {
		t.Errorf("Header(%d) = %+v", res.Height, hdr)
	}
	if _, err := c.Header(ctx, res.Height+1000); !errors.Is(err, ErrNoBlock) {
		t.Errorf("Header(far future) error = %v, want ErrNoBlock", err)
	}

	// Rejected by CheckTx: a *TxError with the app's code and log.
	_, err = c.BroadcastTxCommit(ctx, []byte("bad"+key))
	var txErr *TxError
	if !errors.As(err, &txErr) {
		t.Fatalf("BroadcastTxCommit(bad) error = %v, want *TxError", err)
	}
	if txErr.Code != rejectCode || txErr.Log != fmt.Sprintf("refusing %q", "bad"+key) || txErr.Height != 0 {
		t.Errorf("TxError = %+v", txErr)
	}
	r, err := c.BroadcastTxSync(ctx, []byte("bad2"+key))
	if !errors.As(err, &txErr) || txErr.Code != rejectCode || r == nil || r.Code != rejectCode {
		t.Errorf("BroadcastTxSync(bad) = %+v, %v", r, err)
	}

	// Accepted into the mempool, then committed.
	r, err = c.BroadcastTxSync(ctx, []byte(key+"=v2"))
	if err != nil || r.Code != 0 {
		t.Fatalf("BroadcastTxSync = %+v, %v", r, err)
	}
	// The same tx again is refused by the mempool's cache.
	if _, err := c.BroadcastTxSync(ctx, []byte(key+"=v2")); !errors.Is(err, ErrTxInMempool) {
		t.Errorf("duplicate BroadcastTxSync error = %v, want ErrTxInMempool", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		val, _, err := c.Query(ctx, "/store", []byte(key), 0)
		if err == nil && string(val) == "v2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("v2 never committed: %q, %v", val, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	st2, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitHeight(ctx, st2.Height); err != nil {
		t.Errorf("WaitHeight(current): %v", err)
	}
}
