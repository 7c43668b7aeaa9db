package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// fakeLedger is a fakeChain that also answers the account, provider,
// escrow and deal queries and lists accounts' transactions, and records
// what it was asked, so that tests can check a page asked only about
// the accounts it may show.
type fakeLedger struct {
	*fakeChain
	mu         sync.Mutex
	accounts   map[string]ledger.AccountView
	escrows    map[string]ledger.Escrow
	deals      map[string][]ledger.Deal // by owner
	txs        map[string][]api.TxResult
	historyErr error    // TxHistory fails with it when set
	asked      []string // every query path, and "txs/ADDR/PAGE/PER" for TxHistory
}

var (
	_ Chain          = (*fakeLedger)(nil)
	_ AccountHistory = (*fakeLedger)(nil)
)

func newFakeLedger() *fakeLedger {
	return &fakeLedger{
		fakeChain: newFakeChain(),
		accounts:  map[string]ledger.AccountView{},
		escrows:   map[string]ledger.Escrow{},
		deals:     map[string][]ledger.Deal{},
		txs:       map[string][]api.TxResult{},
	}
}

func (l *fakeLedger) ChainQuery(ctx context.Context, path string) (json.RawMessage, error) {
	l.mu.Lock()
	l.asked = append(l.asked, path)
	l.mu.Unlock()
	if l.err != nil {
		return nil, l.err
	}
	var v any
	switch {
	case strings.HasPrefix(path, ledger.QueryAccount):
		a, ok := l.accounts[strings.TrimPrefix(path, ledger.QueryAccount)]
		a.Exists = ok
		v = a
	case strings.HasPrefix(path, ledger.QueryProvider):
		id := strings.TrimPrefix(path, ledger.QueryProvider)
		found := false
		for _, p := range l.providers {
			if p.Address == id || p.PeerID == id {
				v, found = p, true
			}
		}
		if !found {
			return nil, fmt.Errorf("provider %s: %w", id, errNotFound)
		}
	case strings.HasPrefix(path, ledger.QueryEscrow):
		e, ok := l.escrows[strings.TrimPrefix(path, ledger.QueryEscrow)]
		if !ok {
			return nil, fmt.Errorf("%s: %w", path, errNotFound)
		}
		v = e
	case strings.HasPrefix(path, ledger.QueryDealsByOwner):
		ds := l.deals[strings.TrimPrefix(path, ledger.QueryDealsByOwner)]
		if ds == nil {
			ds = []ledger.Deal{}
		}
		v = ds
	default:
		return l.fakeChain.ChainQuery(ctx, path)
	}
	return json.Marshal(v)
}

// TxHistory pages an account's transactions as the gateway's chain does:
// newest first, pages from 1.
func (l *fakeLedger) TxHistory(_ context.Context, addr string, page, perPage int) (api.TxPage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, fmt.Sprintf("txs/%s/%d/%d", addr, page, perPage))
	if l.historyErr != nil {
		return api.TxPage{}, l.historyErr
	}
	if l.err != nil {
		return api.TxPage{}, l.err
	}
	all := l.txs[addr]
	out := api.TxPage{Total: len(all), Txs: []api.TxResult{}}
	if from := (page - 1) * perPage; from < len(all) {
		out.Txs = append(out.Txs, all[from:min(from+perPage, len(all))]...)
	}
	return out, nil
}

// questions returns what the ledger was asked.
func (l *fakeLedger) questions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.asked...)
}

// askedAbout reports whether any question named s.
func (l *fakeLedger) askedAbout(s string) bool {
	for _, q := range l.questions() {
		if strings.Contains(q, s) {
			return true
		}
	}
	return false
}

// ev is an event of a fixture transaction: a type and key, value pairs.
func ev(typ string, kvs ...string) api.TxEvent {
	e := api.TxEvent{Type: typ, Attrs: map[string]string{}}
	for i := 0; i+1 < len(kvs); i += 2 {
		e.Attrs[kvs[i]] = kvs[i+1]
	}
	return e
}

// tx is a fixture transaction at height: a message event of kind sent
// by sender, then events.
func tx(height int64, kind, sender string, events ...api.TxEvent) api.TxResult {
	return api.TxResult{
		Hash:   fmt.Sprintf("%064X", height),
		Height: height,
		Events: append([]api.TxEvent{ev("message", "sender", sender, "type", kind)}, events...),
	}
}

// countingBackend counts the sampler's reads of a fakeBackend.
type countingBackend struct {
	*fakeBackend
	calls atomic.Int64
}

func (c *countingBackend) Providers(ctx context.Context) ([]api.Provider, error) {
	c.calls.Add(1)
	return c.fakeBackend.Providers(ctx)
}

// countedBackend is a fakeBackend that counts its jobs itself.
type countedBackend struct {
	*fakeBackend
	active, finished int
}

var _ JobCounter = countedBackend{}

func (c countedBackend) JobCounts(context.Context) (int, int, error) {
	return c.active, c.finished, nil
}
