package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
)

// A deal's life through the ABCI application: the opening returns the
// deal's ID as data, every transition is an indexed event, the deal is
// queryable, and a second ledger fed the same blocks reaches the same app
// hash.
func TestStorageDealOverABCI(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	l, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	app := NewApp(l)
	state, _ := json.Marshal(h.genesis)
	if _, err := app.InitChain(ctx, &abci.InitChainRequest{ChainId: testChain, AppStateBytes: state}); err != nil {
		t.Fatal(err)
	}
	height := int64(0)
	block := func(txs ...[]byte) []*abci.ExecTxResult {
		t.Helper()
		height++
		fin, err := app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: height, Txs: txs})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.Commit(ctx, &abci.CommitRequest{}); err != nil {
			t.Fatal(err)
		}
		h.block(txs...)
		if !bytes.Equal(fin.AppHash, h.l.AppHash()) {
			t.Fatalf("block %d: the app and the ledger disagree", height)
		}
		for i, r := range fin.TxResults {
			if r.Code != 0 {
				t.Fatalf("block %d tx %d: %d %s", height, i, r.Code, r.Log)
			}
		}
		return fin.TxResults
	}
	block(h.register("P1", 50*USD), h.register("P2", 50*USD))
	open, id := h.openDeal("Alice", "Orch", 20*USD, 4, 1)
	if r, _ := app.CheckTx(ctx, &abci.CheckTxRequest{Tx: open}); r.Code != 0 {
		t.Fatalf("CheckTx %+v", r)
	}
	res := block(open)
	if string(res[0].Data) != id {
		t.Fatalf("open returned %q, want %s", res[0].Data, id)
	}
	if !abciHasEvent(res[0].Events, "storage_open", "deal", id) {
		t.Fatalf("events %+v", res[0].Events)
	}
	res = block(h.assignDeal("Orch", id, h.shardsOn(USD, "P1", "P2")), h.audit("Orch", id, 1, true, false))
	if !abciHasEvent(res[0].Events, "storage_shard", "provider", h.addr("P2")) ||
		!abciHasEvent(res[1].Events, "storage_pay", "provider", h.addr("P1")) ||
		!abciHasEvent(res[1].Events, "storage_fail", "provider", h.addr("P2")) {
		t.Fatalf("events %+v %+v", res[0].Events, res[1].Events)
	}
	q, _ := app.Query(ctx, &abci.QueryRequest{Path: QueryDeal + id})
	var d Deal
	if err := json.Unmarshal(q.Value, &d); err != nil || q.Code != 0 || d.Audited != 1 || d.Balance != 19*USD || d.Shards[1].Fails != 1 {
		t.Fatalf("query %+v: %v", q, err)
	}
	q, _ = app.Query(ctx, &abci.QueryRequest{Path: QueryDealsByProvider + h.addr("P2")})
	var ds []Deal
	if err := json.Unmarshal(q.Value, &ds); err != nil || len(ds) != 1 || ds[0].ID != id {
		t.Fatalf("deals by provider %+v: %v", q, err)
	}
	res = block(h.closeDeal("Alice", id))
	if !abciHasEvent(res[0].Events, "storage_close", "refunded", "19000000") {
		t.Fatalf("events %+v", res[0].Events)
	}
	if q, _ := app.Query(ctx, &abci.QueryRequest{Path: QueryDeal + "d-none"}); q.Code != uint32(CodeNotFound) || q.Codespace != "opensky" {
		t.Fatalf("missing deal %+v", q)
	}
	var rep Report
	q, _ = app.Query(ctx, &abci.QueryRequest{Path: QueryInvariants})
	if err := json.Unmarshal(q.Value, &rep); err != nil || !rep.OK() || rep.Deals != 1 {
		t.Fatalf("invariants %+v: %v", rep, err)
	}
}

func abciHasEvent(es []abci.Event, typ, key, value string) bool {
	for _, e := range es {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == key && a.Value == value && a.Index {
				return true
			}
		}
	}
	return false
}
