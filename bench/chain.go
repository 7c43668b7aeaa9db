package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgertest"
)

const benchChainID = "opensky-bench"

// chainThroughput measures settlement transactions per second through one
// CometBFT validator against applying the same transactions to the state
// machine directly, in blocks of the same size, in the same run.
func chainThroughput(ctx context.Context, cycles int) error {
	gen, txs, err := ledgertest.SettlementWorkload(benchChainID, cycles)
	if err != nil {
		return err
	}
	fmt.Printf("chain: %d transactions (%d lock/assign/settle cycles, providers registered first)\n", len(txs), cycles)
	direct, err := applyDirect(gen, txs, 500)
	if err != nil {
		return fmt.Errorf("direct: %w", err)
	}
	fmt.Printf("  state machine alone    %8.0f tx/s\n", float64(len(txs))/direct.Seconds())
	through, height, err := applyThroughChain(ctx, gen, txs)
	if err != nil {
		return fmt.Errorf("through the chain: %w", err)
	}
	fmt.Printf("  one CometBFT validator %8.0f tx/s  (%d blocks)\n", float64(len(txs))/through.Seconds(), height)
	fmt.Printf("  ratio chain/direct     %8.2f\n", direct.Seconds()/through.Seconds())
	return nil
}

// applyDirect runs the transactions through BeginBlock, DeliverTx,
// EndBlock and Commit, perBlock at a time, and fails on any rejection.
func applyDirect(gen ledger.Genesis, txs [][]byte, perBlock int) (time.Duration, error) {
	l, err := ledger.Open("", nil)
	if err != nil {
		return 0, err
	}
	defer l.Close()
	if _, err := l.InitChain(benchChainID, gen); err != nil {
		return 0, err
	}
	start := time.Now()
	for h := int64(1); len(txs) > 0; h++ {
		n := min(perBlock, len(txs))
		if err := l.BeginBlock(h); err != nil {
			return 0, err
		}
		for _, tx := range txs[:n] {
			// CheckTx first, as the mempool does, so both sides verify
			// each signature once.
			if r := l.CheckTx(tx); r.Code != ledger.CodeOK {
				return 0, r.Err()
			}
			if r := l.DeliverTx(tx); r.Code != ledger.CodeOK {
				return 0, r.Err()
			}
		}
		if _, err := l.EndBlock(); err != nil {
			return 0, err
		}
		if err := l.Commit(); err != nil {
			return 0, err
		}
		txs = txs[n:]
	}
	return time.Since(start), nil
}

// applyThroughChain submits the transactions to a fresh single-validator
// chain as fast as its mempool takes them and waits until the last is
// committed. It fails if any was rejected.
func applyThroughChain(ctx context.Context, gen ledger.Genesis, txs [][]byte) (time.Duration, int64, error) {
	dir, err := os.MkdirTemp("", "opensky-bench-chain-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	home := filepath.Join(dir, "v0")
	key, err := chain.InitValidator(home)
	if err != nil {
		return 0, 0, err
	}
	state, err := json.Marshal(gen)
	if err != nil {
		return 0, 0, err
	}
	g, err := chain.NewGenesis(benchChainID, []chain.ValidatorKey{key}, state)
	if err != nil {
		return 0, 0, err
	}
	l, err := ledger.Open(filepath.Join(home, "ledger.db"), nil)
	if err != nil {
		return 0, 0, err
	}
	defer l.Close()
	node, err := chain.Start(ctx, ledger.NewApp(l), chain.Options{Dir: home, Genesis: g, BlockTime: 200 * time.Millisecond})
	if err != nil {
		return 0, 0, err
	}
	defer node.Close()
	if err := node.WaitHeight(ctx, 1); err != nil {
		return 0, 0, err
	}
	startHeight := l.Height()
	start := time.Now()
	for _, tx := range txs {
		for {
			_, err := node.BroadcastTxSync(ctx, tx)
			if err == nil {
				break
			}
			var te *chain.TxError
			if errors.As(err, &te) {
				return 0, 0, err
			}
			time.Sleep(5 * time.Millisecond) // mempool full: let a block drain it
		}
	}
	// The last transaction is the last settlement: wait for its escrow.
	last, err := ledger.DecodeTx(txs[len(txs)-1])
	if err != nil {
		return 0, 0, err
	}
	settle, ok := last.Msg.(*ledger.MsgSettle)
	if !ok {
		return 0, 0, fmt.Errorf("the workload does not end with a settlement")
	}
	for {
		v, err := l.Query(ledger.QueryEscrow + settle.Escrow)
		if e, ok := v.(ledger.Escrow); err == nil && ok && e.State == ledger.EscrowSettled {
			break
		}
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start)
	m := l.CheckInvariants()
	if !m.OK() {
		return 0, 0, fmt.Errorf("invariants after the run: %v", m.Problems)
	}
	var market ledger.Market
	if v, err := l.Query(ledger.QueryMarket); err == nil {
		market = v.(ledger.Market)
	}
	if want := int64(countSettles(txs)); market.Jobs != want {
		return 0, 0, fmt.Errorf("%d settlements applied, %d sent: some were rejected in blocks", market.Jobs, want)
	}
	return elapsed, l.Height() - startHeight, nil
}

func countSettles(txs [][]byte) int {
	n := 0
	for _, b := range txs {
		if t, err := ledger.DecodeTx(b); err == nil && t.Msg.Type() == ledger.TypeSettle {
			n++
		}
	}
	return n
}
