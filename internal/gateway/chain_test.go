package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

const (
	testAddress = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	testChainID = "opensky-test-1"
)

// fakeChain is a Chain for the gateway's unit tests: queries answer from a
// map, broadcasts and the faucet return what the test set.
type fakeChain struct {
	mu        sync.Mutex
	answers   map[string]string // query path -> JSON
	queries   []string
	history   map[string]api.TxPage
	pages     [][2]int // page, perPage of each TxHistory call
	txs       [][]byte
	txResult  api.TxResult
	txErr     error
	infoErr   error
	faucetErr error
	funded    []string
}

var _ Chain = (*fakeChain)(nil)

func newFakeChain() *fakeChain {
	return &fakeChain{answers: map[string]string{}, history: map[string]api.TxPage{}}
}

func (f *fakeChain) ChainInfo(context.Context) (api.ChainInfo, error) {
	if f.infoErr != nil {
		return api.ChainInfo{}, f.infoErr
	}
	return api.ChainInfo{ChainID: testChainID, Height: 7, Arbiter: testAddress, FeeBps: 100, Faucet: true,
		BlockTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Validators: 1}, nil
}

func (f *fakeChain) ChainQuery(_ context.Context, path string) (json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, path)
	a, ok := f.answers[path]
	if !ok {
		return nil, &ledger.TxError{Code: ledger.CodeNotFound, Reason: "nothing at " + path}
	}
	return json.RawMessage(a), nil
}

func (f *fakeChain) BroadcastTx(_ context.Context, tx []byte) (api.TxResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.txs = append(f.txs, tx)
	return f.txResult, f.txErr
}

func (f *fakeChain) TxHistory(_ context.Context, addr string, page, perPage int) (api.TxPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages = append(f.pages, [2]int{page, perPage})
	return f.history[addr], nil
}

func (f *fakeChain) Faucet(_ context.Context, addr string) (api.TxResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faucetErr != nil {
		return api.TxResult{}, f.faucetErr
	}
	f.funded = append(f.funded, addr)
	return api.TxResult{Hash: "FAUCET", Height: 8}, nil
}

// signedTx is a valid transfer from Alice.
func signedTx(t testing.TB) []byte {
	t.Helper()
	a, err := identity.DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	tx, err := ledger.NewTx(a, testChainID, 3, &ledger.MsgTransfer{To: testAddress, Amount: ledger.USD})
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func txBody(tx []byte) io.Reader {
	data, _ := json.Marshal(api.TxRequest{Tx: tx})
	return bytes.NewReader(data)
}

func TestChainRoutesWithoutChain(t *testing.T) {
	_, _, ts := newTestGateway(t)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/chain"},
		{"GET", "/api/v1/chain/accounts/" + testAddress},
		{"GET", "/api/v1/chain/accounts/" + testAddress + "/txs"},
		{"GET", "/api/v1/chain/providers"},
		{"GET", "/api/v1/chain/providers/x"},
		{"GET", "/api/v1/chain/escrows/e-1"},
		{"GET", "/api/v1/chain/jobs/j-1"},
		{"GET", "/api/v1/chain/market"},
		{"GET", "/api/v1/chain/params"},
		{"GET", "/api/v1/chain/supply"},
		{"GET", "/api/v1/chain/invariants"},
		{"POST", "/api/v1/chain/txs"},
		{"POST", "/api/v1/chain/faucet"},
	} {
		resp, data := do(t, r.method, ts.URL+r.path, "application/json", strings.NewReader(`{}`))
		e := wantError(t, resp, data, http.StatusNotFound, "not_found")
		if !strings.Contains(e.Message, "without a chain") || e.Hint == "" {
			t.Errorf("%s %s: %+v", r.method, r.path, e)
		}
	}
}

func TestChainQueries(t *testing.T) {
	c := newFakeChain()
	c.answers = map[string]string{
		ledger.QueryAccount + testAddress: `{"address":"` + testAddress + `","balance":5,"nonce":2,"stake":0,"unbonding":0,"exists":true}`,
		ledger.QueryProviders:             `[{"address":"a"}]`,
		ledger.QueryProvider + "12D3KooW": `{"address":"a","score":500000}`,
		ledger.QueryEscrow + "e-00ff":     `{"id":"e-00ff"}`,
		ledger.QueryJob + "j-1":           `{"id":"e-00ff","job":"j-1"}`,
		ledger.QueryMarket:                `{"priceIndex":3}`,
		ledger.QueryParams:                `{"feeBps":100}`,
		ledger.QuerySupply:                `{"total":9}`,
		ledger.QueryInvariants:            `{"problems":[]}`,
	}
	_, _, ts := newTestGateway(t, WithChain(c))
	for route, path := range map[string]string{
		"/accounts/" + testAddress: ledger.QueryAccount + testAddress,
		"/providers":               ledger.QueryProviders,
		"/providers/12D3KooW":      ledger.QueryProvider + "12D3KooW",
		"/escrows/e-00ff":          ledger.QueryEscrow + "e-00ff",
		"/jobs/j-1":                ledger.QueryJob + "j-1",
		"/market":                  ledger.QueryMarket,
		"/params":                  ledger.QueryParams,
		"/supply":                  ledger.QuerySupply,
		"/invariants":              ledger.QueryInvariants,
	} {
		resp, data := do(t, "GET", ts.URL+"/api/v1/chain"+route, "", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %d %s", route, resp.StatusCode, data)
		}
		var got, want any
		_ = json.Unmarshal(data, &got)
		_ = json.Unmarshal([]byte(c.answers[path]), &want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("GET %s = %s, want the ledger's answer to %s", route, data, path)
		}
	}

	resp, data := do(t, "GET", ts.URL+"/api/v1/chain", "", nil)
	if info := decode[api.ChainInfo](t, data); resp.StatusCode != 200 || info.ChainID != testChainID || info.Arbiter != testAddress {
		t.Fatalf("chain info %d %s", resp.StatusCode, data)
	}
	av := decode[ledger.AccountView](t, mustGet(t, ts.URL+"/api/v1/chain/accounts/"+testAddress))
	if av.Nonce != 2 || av.Balance != 5 || !av.Exists {
		t.Fatalf("account view %+v", av)
	}

	// An unknown object is the ledger's 404 with its reason.
	resp, data = do(t, "GET", ts.URL+"/api/v1/chain/escrows/e-missing", "", nil)
	if e := wantError(t, resp, data, http.StatusNotFound, "not_found"); !strings.Contains(e.Message, "e-missing") {
		t.Fatalf("404 message %q", e.Message)
	}
}

func mustGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, data := do(t, "GET", url, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, data)
	}
	return data
}

func TestChainPathParametersAreChecked(t *testing.T) {
	c := newFakeChain()
	_, _, ts := newTestGateway(t, WithChain(c))
	for _, path := range []string{
		"/accounts/not-an-address",
		"/accounts/" + strings.Repeat("5", 200),
		"/accounts/" + testAddress + "x/txs",
		"/escrows/" + strings.Repeat("a", maxChainID+1),
		"/escrows/e%2F..%2Fparams",
		"/jobs/j%20x",
		"/providers/%00",
	} {
		resp, data := do(t, "GET", ts.URL+"/api/v1/chain"+path, "", nil)
		wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
	if len(c.queries) != 0 {
		t.Fatalf("bad parameters reached the chain: %q", c.queries)
	}
}

func TestChainAccountTxs(t *testing.T) {
	c := newFakeChain()
	c.history[testAddress] = api.TxPage{Total: 1, Txs: []api.TxResult{{Hash: "AB", Height: 3,
		Events: []api.TxEvent{{Type: "transfer", Attrs: map[string]string{"amount": "5"}}}}}}
	_, _, ts := newTestGateway(t, WithChain(c))

	p := decode[api.TxPage](t, mustGet(t, ts.URL+"/api/v1/chain/accounts/"+testAddress+"/txs?page=2&perPage=100"))
	if p.Total != 1 || len(p.Txs) != 1 || p.Txs[0].Events[0].Attrs["amount"] != "5" {
		t.Fatalf("page %+v", p)
	}
	mustGet(t, ts.URL+"/api/v1/chain/accounts/"+testAddress+"/txs")
	if c.pages[0] != [2]int{2, 100} || c.pages[1] != [2]int{1, defaultTxPerPage} {
		t.Fatalf("pages asked %v", c.pages)
	}
	for _, q := range []string{"perPage=101", "perPage=0", "page=0", "page=x", "perPage=-1"} {
		resp, data := do(t, "GET", ts.URL+"/api/v1/chain/accounts/"+testAddress+"/txs?"+q, "", nil)
		wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
	// An account without transactions gets an empty list, not null.
	other := "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	data := mustGet(t, ts.URL+"/api/v1/chain/accounts/"+other+"/txs")
	if !strings.Contains(string(data), `"txs":[]`) {
		t.Fatalf("empty page %s", data)
	}
}

func TestChainBroadcast(t *testing.T) {
	c := newFakeChain()
	c.txResult = api.TxResult{Hash: "CAFE", Height: 9, Data: "e-1"}
	_, _, ts := newTestGateway(t, WithChain(c))
	tx := signedTx(t)
	resp, data := do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", txBody(tx))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("broadcast: %d %s", resp.StatusCode, data)
	}
	if r := decode[api.TxResult](t, data); r.Hash != "CAFE" || r.Height != 9 {
		t.Fatalf("result %+v", r)
	}
	if len(c.txs) != 1 || !bytes.Equal(c.txs[0], tx) {
		t.Fatal("the chain did not get the transaction's bytes")
	}
}

func TestChainBroadcastRejected(t *testing.T) {
	c := newFakeChain()
	_, _, ts := newTestGateway(t, WithChain(c))
	for _, tc := range []struct {
		err  error
		hint string
	}{
		{&ledger.TxError{Code: ledger.CodeBadNonce, Reason: "nonce 3, expected 4"}, "fetch the account's nonce and sign again"},
		{&ledger.TxError{Code: ledger.CodeInsufficientFund, Reason: "5F… has $0.000000, needs $1.000000"}, "opensky wallet faucet"},
		{&ledger.TxError{Code: ledger.CodeWrongChain, Reason: "signed for chain x"}, "chainId"},
		{&ledger.TxError{Code: ledger.CodeBadSignature, Reason: "the signature is not 5F…'s"}, "key"},
	} {
		c.txErr = fmt.Errorf("broadcast: %w", tc.err)
		resp, data := do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", txBody(signedTx(t)))
		e := wantError(t, resp, data, http.StatusBadRequest, "tx_rejected")
		var te *ledger.TxError
		errors.As(tc.err, &te)
		if e.Message != te.Reason || !strings.Contains(e.Hint, tc.hint) {
			t.Errorf("%v: body %+v", tc.err, e)
		}
		if len(e.Details) == 0 || e.Details[0].Path != "code" || e.Details[0].Message != te.Code.String() {
			t.Errorf("%v: details %+v do not name the ledger's code", tc.err, e.Details)
		}
	}

	// Rejected inside a block: the details say where.
	c.txErr = &ledger.TxError{Code: ledger.CodeInsufficientFund, Reason: "no funds"}
	c.txResult = api.TxResult{Hash: "BEEF", Height: 12, Code: uint32(ledger.CodeInsufficientFund)}
	resp, data := do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", txBody(signedTx(t)))
	e := wantError(t, resp, data, http.StatusBadRequest, "tx_rejected")
	if !strings.Contains(fmt.Sprint(e.Details), "BEEF") || !strings.Contains(fmt.Sprint(e.Details), "12") {
		t.Fatalf("details %+v", e.Details)
	}

	// The chain node being down is a 503, not a 500.
	c.txErr, c.txResult = fmt.Errorf("post http://127.0.0.1:26657: connection refused"), api.TxResult{}
	resp, data = do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", txBody(signedTx(t)))
	wantError(t, resp, data, http.StatusServiceUnavailable, "unavailable")
	c.txErr = fmt.Errorf("status: %w", ErrUnavailable)
	resp, data = do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", txBody(signedTx(t)))
	wantError(t, resp, data, http.StatusServiceUnavailable, "unavailable")
}

func TestChainBroadcastRefusesBadBodies(t *testing.T) {
	c := newFakeChain()
	_, _, ts := newTestGateway(t, WithChain(c))
	post := func(body io.Reader) (*http.Response, []byte) {
		return do(t, "POST", ts.URL+"/api/v1/chain/txs", "application/json", body)
	}

	// Over the body limit: refused by its length, and by reading when the
	// length is not announced.
	big := `{"tx":"` + strings.Repeat("A", int(MaxTxBodyBytes)) + `"}`
	resp, data := post(strings.NewReader(big))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	resp, data = post(io.MultiReader(strings.NewReader(big))) // no Content-Length
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")
	// A transaction over the ledger's limit in a body under the gateway's.
	resp, data = post(txBody(make([]byte, ledger.MaxTxBytes+1)))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")

	for _, body := range []string{``, `{}`, `{"tx":""}`, `{"tx":"!!"}`, `{"tx":"AAAA","extra":1}`, `{"tx":"AAAA"} {}`, `[1]`} {
		resp, data := post(strings.NewReader(body))
		wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	}
	// Bytes the ledger cannot decode are its verdict, before the chain.
	resp, data = post(txBody([]byte("not a transaction")))
	e := wantError(t, resp, data, http.StatusBadRequest, "tx_rejected")
	if e.Details[0].Message != "malformed" {
		t.Fatalf("details %+v", e.Details)
	}
	if len(c.txs) != 0 {
		t.Fatalf("%d refused transactions reached the chain", len(c.txs))
	}
}

func TestChainFaucet(t *testing.T) {
	c := newFakeChain()
	_, _, ts := newTestGateway(t, WithChain(c))
	resp, data := do(t, "POST", ts.URL+"/api/v1/chain/faucet", "application/json", strings.NewReader(`{"address":"`+testAddress+`"}`))
	if resp.StatusCode != http.StatusOK || decode[api.TxResult](t, data).Hash != "FAUCET" || c.funded[0] != testAddress {
		t.Fatalf("faucet: %d %s", resp.StatusCode, data)
	}
	resp, data = do(t, "POST", ts.URL+"/api/v1/chain/faucet", "application/json", strings.NewReader(`{"address":"nope"}`))
	wantError(t, resp, data, http.StatusBadRequest, "bad_request")
	resp, data = do(t, "POST", ts.URL+"/api/v1/chain/faucet", "application/json", strings.NewReader(`{"address":"`+strings.Repeat("x", 5000)+`"}`))
	wantError(t, resp, data, http.StatusRequestEntityTooLarge, "too_large")

	c.faucetErr = fmt.Errorf("this network has no faucet: %w", ErrNotFound)
	resp, data = do(t, "POST", ts.URL+"/api/v1/chain/faucet", "application/json", strings.NewReader(`{"address":"`+testAddress+`"}`))
	wantError(t, resp, data, http.StatusNotFound, "not_found")
}

func TestChainInfoUnavailable(t *testing.T) {
	c := newFakeChain()
	c.infoErr = fmt.Errorf("chain status: %w: dial tcp: refused", ErrUnavailable)
	_, _, ts := newTestGateway(t, WithChain(c))
	resp, data := do(t, "GET", ts.URL+"/api/v1/chain", "", nil)
	wantError(t, resp, data, http.StatusServiceUnavailable, "unavailable")
}

func TestTxErrorResponses(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{&ledger.TxError{Code: ledger.CodeNotFound, Reason: "no escrow"}, 404, "not_found"},
		{fmt.Errorf("query: %w", &ledger.TxError{Code: ledger.CodeBadNonce, Reason: "r"}), 400, "tx_rejected"},
		{ledger.ErrConflict, 400, "tx_rejected"},
		{&ledger.TxError{Code: ledger.CodeInternal, Reason: "broken"}, 500, "internal"},
		// A job whose escrow the chain refused is still a payment problem.
		{fmt.Errorf("%w: %w", ErrPaymentRequired, ledger.ErrConflict), 402, "payment_required"},
		{fmt.Errorf("%w: escrow e-1 does not exist on the chain", ErrPaymentRequired), 402, "payment_required"},
		{fmt.Errorf("bind escrow: %w: %w", ErrUnavailable, &ledger.TxError{Code: ledger.CodeInvalid}), 503, "unavailable"},
	} {
		status, body := errorResponse(tc.err)
		if status != tc.status || body.Code != tc.code || body.Message == "" {
			t.Errorf("%v: %d %+v, want %d %s", tc.err, status, body, tc.status, tc.code)
		}
	}
	_, body := errorResponse(fmt.Errorf("%w: x", ErrPaymentRequired))
	if !strings.Contains(body.Hint, "escrow") {
		t.Errorf("402 hint %q", body.Hint)
	}
}

// FuzzChainTxBody sends arbitrary bodies to POST /api/v1/chain/txs: none
// may produce a server error or a panic, every refusal is a JSON error,
// and only a transaction the ledger can decode reaches the chain.
func FuzzChainTxBody(f *testing.F) {
	f.Add([]byte(`{"tx":"` + base64.StdEncoding.EncodeToString(signedTx(f)) + `"}`))
	f.Add([]byte(`{"tx":"AQ=="}`))
	f.Add([]byte(`{"tx":null}`))
	f.Add([]byte(`{"tx":1e999}`))
	f.Add([]byte(`{"tx":"AAAA"}{"tx":"AAAA"}`))
	f.Add([]byte{})

	c := newFakeChain()
	c.txResult = api.TxResult{Hash: "AB", Height: 1}
	h := New(newFakeBackend(), WithChain(c)).Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		c.mu.Lock()
		before := len(c.txs)
		c.mu.Unlock()
		req := httptest.NewRequest(http.MethodPost, "/api/v1/chain/txs", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		resp := rec.Result()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for body %q: %s", resp.StatusCode, body, data)
		}
		if resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d without a JSON body", resp.StatusCode)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(c.txs) > before {
			if _, err := ledger.DecodeTx(c.txs[len(c.txs)-1]); err != nil {
				t.Fatalf("an undecodable transaction reached the chain: %v", err)
			}
		}
	})
}
