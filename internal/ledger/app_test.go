package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
)

func TestAppOverABCI(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t) // for its accounts and builders; the app gets its own ledger
	l, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	app := NewApp(l)
	state, _ := json.Marshal(h.genesis)
	if _, err := app.InitChain(ctx, &abci.InitChainRequest{ChainId: testChain, AppStateBytes: []byte("{")}); err == nil {
		t.Fatal("a broken app state was accepted")
	}
	init, err := app.InitChain(ctx, &abci.InitChainRequest{ChainId: testChain, AppStateBytes: state})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(init.AppHash, h.l.AppHash()) {
		t.Fatal("the app's genesis hash differs from the ledger's")
	}
	tx := h.transfer("Alice", "Bob", USD)
	if r, _ := app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx}); r.Code != 0 || r.Codespace != "" {
		t.Fatalf("CheckTx %+v", r)
	}
	if r, _ := app.CheckTx(ctx, &abci.CheckTxRequest{Tx: tx[:10]}); r.Code != uint32(CodeMalformed) || r.Codespace != "opensky" {
		t.Fatalf("CheckTx of garbage %+v", r)
	}
	fin, err := app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: 1, Txs: [][]byte{tx, tx}})
	if err != nil {
		t.Fatal(err)
	}
	if fin.TxResults[0].Code != 0 || fin.TxResults[1].Code != uint32(CodeBadNonce) {
		t.Fatalf("results %+v", fin.TxResults)
	}
	if len(fin.TxResults[0].Events) == 0 || fin.TxResults[0].Events[0].Type != "transfer" {
		t.Fatalf("events %+v", fin.TxResults[0].Events)
	}
	if _, err := app.Commit(ctx, &abci.CommitRequest{}); err != nil {
		t.Fatal(err)
	}
	h.block(tx, tx)
	if !bytes.Equal(fin.AppHash, h.l.AppHash()) {
		t.Fatal("the app and the ledger disagree after the same block")
	}
	info, _ := app.Info(ctx, &abci.InfoRequest{})
	if info.LastBlockHeight != 1 || !bytes.Equal(info.LastBlockAppHash, fin.AppHash) {
		t.Fatalf("info %+v", info)
	}
	q, _ := app.Query(ctx, &abci.QueryRequest{Path: QueryAccount + h.addr("Bob")})
	var acct AccountView
	if err := json.Unmarshal(q.Value, &acct); err != nil || q.Code != 0 || acct.Balance != testFunds+USD || !acct.Exists {
		t.Fatalf("query %+v: %v", q, err)
	}
	if q, _ := app.Query(ctx, &abci.QueryRequest{Path: QueryEscrow + "e-none"}); q.Code != uint32(CodeNotFound) {
		t.Fatalf("missing escrow %+v", q)
	}
	if q, _ := app.Query(ctx, &abci.QueryRequest{Path: QuerySupply, Height: 7}); q.Code != uint32(CodeInvalid) {
		t.Fatalf("an old height %+v", q)
	}
	if _, err := app.FinalizeBlock(ctx, &abci.FinalizeBlockRequest{Height: 5}); err == nil {
		t.Fatal("a block out of order")
	}
}

func TestQueryPaths(t *testing.T) {
	h, id := settleSetup(t, 10*USD)
	for _, path := range []string{QueryAccount + h.addr("Alice"), QueryProvider + h.addr("P1"), QueryProvider + h.peerID("P2"),
		QueryProviders, QueryEscrow + id, QueryJob + h.addr("Orch") + "/job-1", QueryMarket, QueryParams, QuerySupply, QueryInvariants} {
		if _, err := h.l.QueryJSON(path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for path, want := range map[string]Code{QueryAccount + "nope": CodeInvalid, QueryProvider + "nope": CodeNotFound,
		QueryJob + "nope": CodeNotFound, "what": CodeNotFound} {
		if _, err := h.l.QueryJSON(path); CodeOf(err) != want {
			t.Errorf("%s: %v, want %v", path, err, want)
		}
	}
	v, _ := h.l.Query(QueryProviders)
	if ps := v.([]ProviderView); len(ps) != 3 || ps[0].Score != 500_000 {
		t.Fatalf("providers %+v", ps)
	}
	v, _ = h.l.Query(QueryJob + h.addr("Orch") + "/job-1")
	if e := v.(Escrow); e.ID != id {
		t.Fatalf("job query %+v", e)
	}
	v, _ = h.l.Query(QueryAccount + h.addr("P1"))
	if a := v.(AccountView); a.Stake != 100*USD || !a.Exists {
		t.Fatalf("account view %+v", a)
	}
}
