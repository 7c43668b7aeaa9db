package ledger_test

import (
	"fmt"
	"testing"

	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgertest"
)

const benchChain = "opensky-bench-1"

// newLedger is an in-memory ledger initialized with g.
func newLedger(tb testing.TB, g ledger.Genesis) *ledger.Ledger {
	tb.Helper()
	l, err := ledger.Open("", nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := l.InitChain(benchChain, g); err != nil {
		tb.Fatal(err)
	}
	return l
}

// applyBlocks delivers txs in blocks of size, optionally running CheckTx
// on each block's transactions first, outside the clock, as a node's
// mempool does (DeliverTx then finds their signatures verified).
func applyBlocks(tb testing.TB, b *testing.B, l *ledger.Ledger, txs [][]byte, size int, check bool) {
	for start := 0; start < len(txs); start += size {
		block := txs[start:min(start+size, len(txs))]
		if check {
			if b != nil {
				b.StopTimer()
			}
			for _, tx := range block {
				if r := l.CheckTx(tx); r.Code != ledger.CodeOK {
					tb.Fatalf("CheckTx: %v %s", r.Code, r.Log)
				}
			}
			if b != nil {
				b.StartTimer()
			}
		}
		if err := l.BeginBlock(l.Height() + 1); err != nil {
			tb.Fatal(err)
		}
		for _, tx := range block {
			if r := l.DeliverTx(tx); r.Code != ledger.CodeOK {
				tb.Fatalf("DeliverTx: %v %s", r.Code, r.Log)
			}
		}
		if _, err := l.EndBlock(); err != nil {
			tb.Fatal(err)
		}
		if err := l.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestSettlementWorkload(t *testing.T) {
	const n = 40
	g, txs, err := ledgertest.SettlementWorkload(benchChain, n)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(ledgertest.Providers) + 3*n; len(txs) != want {
		t.Fatalf("%d transactions, want %d", len(txs), want)
	}
	g2, txs2, err := ledgertest.SettlementWorkload(benchChain, n)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g) != fmt.Sprint(g2) {
		t.Fatal("the genesis is not deterministic")
	}
	for _, size := range []int{1, 7, 500} {
		l := newLedger(t, g)
		applyBlocks(t, nil, l, txs, size, size == 7)
		if r := l.CheckInvariants(); !r.OK() || r.Settled != n || r.Escrows != n {
			t.Fatalf("blocks of %d: %+v", size, r)
		}
		// The same workload signed again leads to the same state.
		l2 := newLedger(t, g2)
		applyBlocks(t, nil, l2, txs2, size, false)
		if string(l.AppHash()) != string(l2.AppHash()) {
			t.Fatalf("blocks of %d: two builds of the workload disagree", size)
		}
		v, err := l.Query(ledger.QuerySupply)
		if err != nil {
			t.Fatal(err)
		}
		fee := ledger.Fee(3*ledgertest.PayoutAmount, ledger.DefaultParams().FeeBps)
		if sv := v.(ledger.SupplyView); sv.Treasury != n*fee {
			t.Fatalf("treasury %d, want %d", sv.Treasury, n*fee)
		}
		p, err := l.Query(ledger.QueryProvider + mustPeer(t, ledgertest.Providers[0]))
		if err != nil {
			t.Fatal(err)
		}
		if pv := p.(ledger.ProviderView); pv.Earned != n*ledgertest.PayoutAmount || pv.Reputation.Successes != n {
			t.Fatalf("provider %+v", pv)
		}
		l.Close()
		l2.Close()
	}
	if _, _, err := ledgertest.SettlementWorkload(benchChain, -1); err == nil {
		t.Fatal("a negative count")
	}
}

func mustPeer(t *testing.T, name string) string {
	_, id, err := ledgertest.PeerKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// BenchmarkApplySettlement measures the bare state machine on settlement
// cycles (lock, assign, settle paying three providers) in blocks of 500:
// DeliverTx of every transaction, EndBlock and Commit, in memory. One op
// is the whole workload; tx/s is the figure to compare with the chain.
// "verify" checks every signature in DeliverTx; "checked" runs CheckTx
// first, outside the clock, as a node's mempool does.
func BenchmarkApplySettlement(b *testing.B) {
	const cycles, blockSize = 1000, 500
	g, txs, err := ledgertest.SettlementWorkload(benchChain, cycles)
	if err != nil {
		b.Fatal(err)
	}
	for _, check := range []bool{false, true} {
		name := "verify"
		if check {
			name = "checked"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				l := newLedger(b, g)
				b.StartTimer()
				applyBlocks(b, b, l, txs, blockSize, check)
				b.StopTimer()
				l.Close()
				b.StartTimer()
			}
			n := float64(b.N) * float64(len(txs))
			b.ReportMetric(n/b.Elapsed().Seconds(), "tx/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/tx")
		})
	}
}
