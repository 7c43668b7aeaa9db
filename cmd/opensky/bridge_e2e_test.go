package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/polkadot"
	"github.com/opensky-network/opensky/internal/polkadot/polkadottest"
	"github.com/opensky-network/opensky/internal/testlog"
)

// tcpProxy serves the Unix socket of a node in its own network namespace
// on a loopback TCP port, so that the gateway and the CLI reach it by an
// ordinary URL.
func tcpProxy(t *testing.T, sock string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("unix", sock)
				if err != nil {
					return
				}
				defer u.Close()
				go io.Copy(u, c)
				io.Copy(c, u)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// dot is n whole tokens of westend-dev (12 decimals): n dollars.
func dot(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e12)) }

// waitFor polls cond every second until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("gave up after %s waiting for %s", d, what)
		}
		time.Sleep(time.Second)
	}
}

// TestCLIBridgeOnPolkadot runs the bridge end to end against a real
// Polkadot host (Gossamer, westend-dev, in its own network namespace) and
// a local OpenSky network: deposit, withdraw, a refused deposit sent back,
// the Polkadot node down and back, anchors verified, and the balances on
// both sides.
func TestCLIBridgeOnPolkadot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a Polkadot node: minutes")
	}
	node := polkadottest.Start(t)
	url := tcpProxy(t, node.Socket)
	ctx := t.Context()
	pd, err := polkadot.Dial(ctx, polkadot.Options{URL: url, Asset: polkadot.Asset{Native: true, Decimals: 12}})
	if err != nil {
		t.Fatal(err)
	}
	defer pd.Close()
	alice := polkadottest.DevAccount(t, "//Alice")
	op, err := identity.AccountFromURI(devnet.BridgeURI)
	if err != nil {
		t.Fatal(err)
	}
	opID := polkadot.AccountID(op.PublicKey())

	t.Setenv(envHome, t.TempDir())
	t.Setenv(envPassphrase, "correct horse battery staple")
	code, stdout, stderr := cli(t, "http://127.0.0.1:1", "", "wallet", "new", "-o", "json")
	if code != 0 {
		t.Fatalf("wallet new: exit %d: %s", code, stderr)
	}
	var w struct{ Address string }
	if err := json.Unmarshal([]byte(stdout), &w); err != nil {
		t.Fatal(err)
	}
	userPub, _ := identity.ParseAddress(w.Address)
	user := polkadot.AccountID(userPub)

	// Alice funds the bridge account's fees and the user, before the bridge
	// starts watching: neither is a deposit.
	balance := func(a polkadot.AccountID) *big.Int {
		b, err := pd.Balance(ctx, a, polkadot.Hash{})
		if err != nil {
			t.Fatalf("balance: %v", err)
		}
		return b
	}
	// The test host sometimes drops a transaction: send again, once its
	// era is over, until the funds arrive.
	fund := func(to polkadot.AccountID, amount *big.Int) {
		t.Helper()
		target := new(big.Int).Add(balance(to), amount)
		for attempt := 1; ; attempt++ {
			sub, err := pd.SubmitTransfer(ctx, alice, polkadot.Transfer{To: to, Amount: amount, Memo: []byte("funding"),
				TxOptions: polkadot.TxOptions{Period: 8}})
			if err != nil {
				t.Fatalf("fund: %v", err)
			}
			for {
				if balance(to).Cmp(target) >= 0 {
					return
				}
				fin, err := pd.FinalizedHead(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if fin.Number > sub.Expires {
					break
				}
				time.Sleep(time.Second)
			}
			if attempt == 4 {
				t.Fatalf("funding was not included in %d attempts", attempt)
			}
			t.Logf("funding attempt %d was not included by block %d; again", attempt, sub.Expires)
		}
	}
	fund(user, dot(100))
	userStart := balance(user)

	opts := devnet.Options{
		Dir: t.TempDir(), Providers: 1, GatewayListen: "127.0.0.1:0", Chain: true,
		Polkadot: url, AnchorEvery: 5, BridgePeriod: 16, NoAuth: true,
		Provider: func(_ int, p *config.Provider) { p.PresenceInterval = "200ms" },
		Logger:   newBridgeLog(t),
	}
	net, err := devnet.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { net.Close() }()
	c := api.NewClient(net.URL)
	// The local network gave the bridge account fees from //Alice, with the
	// fees memo: the bridge keeps them, neither credited nor sent back.
	if b := balance(opID); b.Cmp(dot(10)) < 0 {
		t.Fatalf("the bridge account holds %s after the local network started, want its 10 tokens of fees", b)
	}
	waitFor(t, time.Minute, "the fee top-up to be recorded", func() bool {
		ds, _ := c.BridgeDeposits(ctx, "")
		return len(ds) == 1 && ds[0].State == bridge.DepositFees
	})
	opStart := balance(opID)
	status := func() bridge.Status {
		st, _ := c.BridgeStatus(ctx)
		return st
	}
	waitFor(t, time.Minute, "the bridge to run", func() bool { return status().Reachable })
	openSky := func() int64 {
		a, err := c.Account(ctx, w.Address)
		if err != nil {
			t.Fatal(err)
		}
		return a.Balance
	}

	// Deposit $25: the user pays 25 tokens and a fee; OpenSky credits $25.
	started := time.Now()
	code, stdout, stderr = cli(t, net.URL, "", "wallet", "deposit", "25", "--timeout", "3m")
	t.Logf("deposit: sent to credited in %s", time.Since(started).Round(time.Second))
	if code != 0 || !strings.Contains(stdout, "deposited $25.000000") {
		st, _ := c.BridgeStatus(ctx)
		ds, _ := c.BridgeDeposits(ctx, w.Address)
		t.Fatalf("wallet deposit: exit %d\n%s\n%s\nbridge %+v\ndeposits %+v", code, stdout, stderr, st, ds)
	}
	if got := openSky(); got != 25*ledger.USD {
		t.Fatalf("OpenSky balance %d after the deposit, want %d", got, 25*ledger.USD)
	}
	spent := new(big.Int).Sub(userStart, balance(user))
	if spent.Cmp(dot(25)) <= 0 || spent.Cmp(dot(26)) >= 0 {
		t.Fatalf("the deposit cost the user %s on Polkadot, want 25 tokens and a fee", spent)
	}
	// The bridge account pays its own fees (anchors so far) in the same
	// token: it gained 25 less those.
	if got := new(big.Int).Sub(balance(opID), opStart); got.Cmp(dot(25)) > 0 || got.Cmp(dot(24)) <= 0 {
		t.Fatalf("the bridge account gained %s, want 25 tokens less its fees", got)
	}

	// A transfer whose memo names another chain is not credited and comes back.
	userAcct := walletAccount(t)
	before := balance(user)
	if _, err := pd.SubmitTransfer(ctx, userAcct, polkadot.Transfer{To: opID, Amount: dot(2),
		Memo: []byte(bridge.DepositMemo("another-chain", w.Address))}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 4*time.Minute, "the bad deposit to be sent back", func() bool {
		ds, _ := c.BridgeDeposits(ctx, w.Address)
		return len(ds) == 2 && ds[1].State == bridge.DepositRefunded
	})
	ds, _ := c.BridgeDeposits(ctx, w.Address)
	if !strings.Contains(ds[1].Reason, "does not name this chain") || openSky() != 25*ledger.USD {
		t.Fatalf("bad deposit %+v, OpenSky balance %d", ds[1], openSky())
	}
	if lost := new(big.Int).Sub(before, balance(user)); lost.Sign() <= 0 || lost.Cmp(dot(1)) >= 0 {
		t.Fatalf("the refused deposit cost the user %s, want only its fee", lost)
	}

	// Withdraw $10: OpenSky burns 10, Polkadot pays exactly 10 tokens.
	before = balance(user)
	started = time.Now()
	code, stdout, stderr = cli(t, net.URL, "", "wallet", "withdraw", "10", "--timeout", "4m")
	t.Logf("withdrawal: burned to paid and final in %s", time.Since(started).Round(time.Second))
	if code != 0 || !strings.Contains(stdout, "withdrew $10.000000") {
		t.Fatalf("wallet withdraw: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := new(big.Int).Sub(balance(user), before); got.Cmp(dot(10)) != 0 {
		t.Fatalf("the user received %s on Polkadot, want exactly 10 tokens", got)
	}
	if got := openSky(); got != 15*ledger.USD {
		t.Fatalf("OpenSky balance %d after the withdrawal", got)
	}

	// Polkadot goes down: the bridge says so; a withdrawal waits and is paid
	// once the node is back.
	before = balance(user)
	node.Stop()
	waitFor(t, time.Minute, "the bridge to see Polkadot down", func() bool { st := status(); return !st.Reachable && st.LastError != "" })
	code, _, stderr = cli(t, net.URL, "", "wallet", "withdraw", "5", "--wait=false")
	if code != 0 {
		t.Fatalf("withdraw while Polkadot is down: exit %d: %s", code, stderr)
	}
	code, stdout, _ = cli(t, net.URL, "", "bridge", "status")
	if code != 0 || !strings.Contains(stdout, "reachable") || !strings.Contains(stdout, "no, since") {
		t.Fatalf("bridge status while down:\n%s", stdout)
	}
	node.Restart(t)
	waitFor(t, 4*time.Minute, "the second withdrawal to be paid", func() bool {
		ps, _ := c.BridgeWithdrawals(ctx, w.Address)
		return len(ps) == 2 && ps[1].State == bridge.PayoutDone
	})
	if got := new(big.Int).Sub(balance(user), before); got.Cmp(dot(5)) != 0 {
		t.Fatalf("the user received %s after the outage, want exactly 5 tokens", got)
	}

	// An anchor covers the deposit's block; verify-anchor checks it against
	// Polkadot and the chain of headers.
	waitFor(t, 4*time.Minute, "an anchor", func() bool { return status().LastAnchor > 0 })
	h := status().LastAnchor - 3
	code, stdout, stderr = cli(t, net.URL, "", "chain", "verify-anchor", strconv.FormatInt(h, 10))
	if code != 0 || !strings.Contains(stdout, "verified") || !strings.Contains(stdout, "System.Remarked") {
		t.Fatalf("verify-anchor %d: exit %d\n%s\n%s", h, code, stdout, stderr)
	}

	// Both sides add up: the bridge holds what OpenSky minted less what it
	// burned, less the fees it paid (under one token), and the chain's own
	// invariants hold.
	sup, err := c.Supply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sup.Minted != 25*ledger.USD || sup.Burned != 15*ledger.USD {
		t.Fatalf("supply %+v: minted and burned", sup)
	}
	held := new(big.Int).Sub(balance(opID), opStart)
	if fees := new(big.Int).Sub(dot(10), held); fees.Sign() < 0 || fees.Cmp(dot(1)) >= 0 {
		t.Fatalf("the bridge account gained %s over the test, want 10 tokens less its fees", held)
	}
	if code, stdout, stderr := cli(t, net.URL, "", "chain", "check"); code != 0 {
		t.Fatalf("chain check: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// The gateway restarts on its data: the bridge resumes from its cursor
	// and credits nothing again.
	scanned := status().Processed
	if err := net.Close(); err != nil {
		t.Fatal(err)
	}
	if net, err = devnet.Start(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c = api.NewClient(net.URL)
	waitFor(t, 2*time.Minute, "the bridge to scan on after the restart", func() bool {
		st := status()
		return st.Reachable && st.Processed > scanned+2
	})
	ds, _ = c.BridgeDeposits(ctx, w.Address)
	if sup, err = c.Supply(ctx); err != nil || sup.Minted != 25*ledger.USD || len(ds) != 2 || openSky() != 10*ledger.USD {
		t.Fatalf("after a restart: supply %+v (%v), %d deposits, balance %d", sup, err, len(ds), openSky())
	}
}

// walletAccount opens the test's one wallet.
func walletAccount(t *testing.T) *identity.Account {
	t.Helper()
	a, err := decryptWallet(walletNameFlag())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// bridgeLog passes to the test's log only what the bridge logs (its
// logger carries component=bridge); the rest of the network is quiet.
type bridgeLog struct {
	slog.Handler
	on bool
}

func newBridgeLog(t *testing.T) *slog.Logger {
	return slog.New(&bridgeLog{Handler: testlog.New(t).Handler()})
}

func (h *bridgeLog) Enabled(ctx context.Context, l slog.Level) bool {
	return h.on && l >= slog.LevelInfo && h.Handler.Enabled(ctx, l)
}

func (h *bridgeLog) WithAttrs(as []slog.Attr) slog.Handler {
	on := h.on
	for _, a := range as {
		if a.Key == "component" && a.Value.String() == "bridge" {
			on = true
		}
	}
	return &bridgeLog{Handler: h.Handler.WithAttrs(as), on: on}
}

func (h *bridgeLog) WithGroup(name string) slog.Handler {
	return &bridgeLog{Handler: h.Handler.WithGroup(name), on: h.on}
}
