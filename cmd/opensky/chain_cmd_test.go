package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

const testChainID = "opensky-cli-test"

// ledgerChain is a gateway.Chain over an in-memory ledger that commits a
// block per transaction: the CLI's tests see the ledger's real rules
// without a consensus engine. It also checks every transaction it gets
// the way a node would and records it.
type ledgerChain struct {
	t       *testing.T
	mu      sync.Mutex
	l       *ledger.Ledger
	arbiter string
	faucet  *identity.Account

	txs        []*ledger.Tx
	history    []api.TxResult
	staleNonce int            // refuse this many broadcasts with bad_nonce first
	report     *ledger.Report // replaces the invariants' answer when set
}

var _ gateway.Chain = (*ledgerChain)(nil)

var (
	devOnce     sync.Once
	devAccts    map[string]*identity.Account
	devAcctsErr error
)

// dev returns a cached development account (derivation is slow).
func dev(t *testing.T, name string) *identity.Account {
	t.Helper()
	devOnce.Do(func() {
		devAccts = map[string]*identity.Account{}
		for _, n := range []string{"Alice", "Bob", "Charlie", "Dave"} {
			a, err := identity.DevAccount(n)
			if err != nil {
				devAcctsErr = err
				return
			}
			devAccts[n] = a
		}
	})
	if devAcctsErr != nil {
		t.Fatal(devAcctsErr)
	}
	return devAccts[name]
}

// newLedgerChain starts a chain where Alice has $50, Bob runs the faucet
// and Charlie is the gateway's arbiter.
func newLedgerChain(t *testing.T) *ledgerChain {
	t.Helper()
	l, err := ledger.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	alice, bob := dev(t, "Alice"), dev(t, "Bob")
	g := ledger.Genesis{Params: ledger.DefaultParams(), Accounts: []ledger.GenesisAccount{
		{Address: alice.Address(), Balance: 50 * ledger.USD},
		{Address: bob.Address(), Balance: 10_000 * ledger.USD},
	}}
	g.Params.Arbiters = []string{dev(t, "Charlie").Address()}
	if _, err := l.InitChain(testChainID, g); err != nil {
		t.Fatal(err)
	}
	return &ledgerChain{t: t, l: l, arbiter: dev(t, "Charlie").Address(), faucet: bob}
}

func (c *ledgerChain) ChainInfo(context.Context) (api.ChainInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return api.ChainInfo{ChainID: testChainID, Height: c.l.Height(), AppHash: hex.EncodeToString(c.l.AppHash()),
		Validators: 1, Arbiter: c.arbiter, FeeBps: ledger.DefaultParams().FeeBps, Faucet: c.faucet != nil}, nil
}

func (c *ledgerChain) ChainQuery(_ context.Context, path string) (json.RawMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if path == ledger.QueryInvariants && c.report != nil {
		return json.Marshal(c.report)
	}
	return c.l.QueryJSON(path)
}

func (c *ledgerChain) BroadcastTx(_ context.Context, raw []byte) (api.TxResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deliver(raw)
}

// deliver checks raw like a node's CheckTx and commits it in a block of
// its own; c.mu is held.
func (c *ledgerChain) deliver(raw []byte) (api.TxResult, error) {
	tx, err := ledger.DecodeTx(raw)
	if err != nil {
		c.t.Errorf("the CLI sent a transaction the ledger cannot decode: %v", err)
		return api.TxResult{}, err
	}
	if err := tx.VerifySignature(); err != nil {
		c.t.Errorf("the CLI sent a transaction with a bad signature: %v", err)
		return api.TxResult{}, err
	}
	var a ledger.AccountView
	b, _ := c.l.QueryJSON(ledger.QueryAccount + tx.From())
	_ = json.Unmarshal(b, &a)
	if c.staleNonce > 0 {
		c.staleNonce--
		return api.TxResult{}, &ledger.TxError{Code: ledger.CodeBadNonce, Reason: "nonce raced"}
	}
	if tx.Nonce != a.Nonce {
		c.t.Errorf("the CLI signed nonce %d, the account's is %d", tx.Nonce, a.Nonce)
	}
	if r := c.l.CheckTx(raw); r.Code != ledger.CodeOK {
		return api.TxResult{}, r.Err()
	}
	h := c.l.Height() + 1
	if err := c.l.BeginBlock(h); err != nil {
		return api.TxResult{}, err
	}
	r := c.l.DeliverTx(raw)
	if _, err := c.l.EndBlock(); err != nil {
		return api.TxResult{}, err
	}
	if err := c.l.Commit(); err != nil {
		return api.TxResult{}, err
	}
	c.txs = append(c.txs, tx)
	res := api.TxResult{Hash: tx.Hash(), Height: h, Code: uint32(r.Code), Log: r.Log, Data: string(r.Data)}
	for _, e := range r.Events {
		ev := api.TxEvent{Type: e.Type, Attrs: map[string]string{}}
		for _, at := range e.Attrs {
			ev.Attrs[at.Key] = at.Value
		}
		res.Events = append(res.Events, ev)
	}
	c.history = append(c.history, res)
	return res, r.Err()
}

func (c *ledgerChain) TxHistory(_ context.Context, addr string, page, perPage int) (api.TxPage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var all []api.TxResult
	for _, r := range slices.Backward(c.history) {
		if touches(r, addr) {
			all = append(all, r)
		}
	}
	p := api.TxPage{Total: len(all), Txs: []api.TxResult{}}
	if from := (page - 1) * perPage; from < len(all) {
		p.Txs = all[from:min(from+perPage, len(all))]
	}
	return p, nil
}

func touches(r api.TxResult, addr string) bool {
	for _, e := range r.Events {
		for _, v := range e.Attrs {
			if v == addr {
				return true
			}
		}
	}
	return false
}

func (c *ledgerChain) Faucet(_ context.Context, addr string) (api.TxResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var a ledger.AccountView
	b, _ := c.l.QueryJSON(ledger.QueryAccount + c.faucet.Address())
	_ = json.Unmarshal(b, &a)
	tx, err := ledger.NewTx(c.faucet, testChainID, a.Nonce, &ledger.MsgTransfer{To: addr, Amount: 100 * ledger.USD, Memo: "faucet"})
	if err != nil {
		return api.TxResult{}, err
	}
	return c.deliver(tx)
}

// account reads an account straight from the ledger.
func (c *ledgerChain) account(t *testing.T, addr string) ledger.AccountView {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var a ledger.AccountView
	b, err := c.l.QueryJSON(ledger.QueryAccount + addr)
	if err != nil || json.Unmarshal(b, &a) != nil {
		t.Fatalf("account %s: %v", addr, err)
	}
	return a
}

// startChainGateway serves a gateway with a scripted backend and c as its
// chain, with Alice's account as the wallet "default".
func startChainGateway(t *testing.T, c *ledgerChain) (*scriptedBackend, string) {
	t.Helper()
	b := &scriptedBackend{
		outcome: func(spec.Job) outcome { return outcome{phase: api.PhaseCompleted} },
		steps:   make(map[string][]api.Job),
		logs:    make(map[string][]api.TaskLog),
		outputs: make(map[string][]outputFile),
		blobs:   make(map[string][]byte),
	}
	ts := httptest.NewServer(gateway.New(b, gateway.WithChain(c)).Handler())
	t.Cleanup(ts.Close)
	walletEnv(t, "test passphrase")
	path, err := walletPath(defaultWalletName)
	if err != nil {
		t.Fatal(err)
	}
	if err := identity.SaveAccount(path, dev(t, "Alice"), "test passphrase"); err != nil {
		t.Fatal(err)
	}
	return b, ts.URL
}

// chainCLI runs the command line like run does, with the chain commands
// in the tree wherever the root does not have them yet.
func chainCLI(t *testing.T, url string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	g := &globals{}
	root := newRootCmd(g)
	wallet := subcommand(root, "wallet", func() *cobra.Command { return newWalletCmd(g) })
	subcommand(wallet, "balance", func() *cobra.Command { return newWalletBalanceCmd(g) })
	subcommand(wallet, "transfer", func() *cobra.Command { return newWalletTransferCmd(g) })
	subcommand(wallet, "history", func() *cobra.Command { return newWalletHistoryCmd(g) })
	subcommand(wallet, "faucet", func() *cobra.Command { return newWalletFaucetCmd(g) })
	provider := subcommand(root, "provider", func() *cobra.Command { return newProviderCmd(g) })
	subcommand(provider, "register", func() *cobra.Command { return newProviderRegisterCmd(g) })
	subcommand(provider, "status", func() *cobra.Command { return newProviderStatusCmd(g) })
	subcommand(provider, "earnings", func() *cobra.Command { return newProviderEarningsCmd(g) })
	subcommand(provider, "unregister", func() *cobra.Command { return newProviderUnregisterCmd(g) })
	subcommand(root, "chain", func() *cobra.Command { return newChainCmd(g) })

	var out, errb strings.Builder
	root.SetArgs(append([]string{"--api", url}, args...))
	root.SetIn(strings.NewReader(""))
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(t.Context())
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			fmt.Fprintln(&errb, "opensky:", ee.err)
		}
	default:
		code = 1
		fmt.Fprintln(&errb, "opensky:", err)
	}
	return code, out.String(), errb.String()
}

// subcommand returns parent's subcommand name, adding it when missing.
func subcommand(parent *cobra.Command, name string, build func() *cobra.Command) *cobra.Command {
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	c := build()
	parent.AddCommand(c)
	return c
}

func TestWalletBalance(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	alice := dev(t, "Alice").Address()

	code, stdout, stderr := chainCLI(t, url, "wallet", "balance")
	if code != 0 || !strings.Contains(stdout, alice) || !strings.Contains(stdout, "$50.000000") || !strings.Contains(stdout, "nonce") {
		t.Fatalf("balance: exit %d\n%s%s", code, stdout, stderr)
	}
	dave := dev(t, "Dave").Address()
	code, stdout, stderr = chainCLI(t, url, "wallet", "balance", dave, "-o", "json")
	var v ledger.AccountView
	if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil || v.Address != dave || v.Exists {
		t.Fatalf("balance of an unknown account: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := chainCLI(t, url, "wallet", "balance", "nope"); code != 1 || !strings.Contains(stderr, "not an account address") {
		t.Fatalf("bad address: exit %d %s", code, stderr)
	}
	if code, _, stderr := chainCLI(t, url, "wallet", "balance", "--wallet", "missing"); code != 1 || !strings.Contains(stderr, "opensky wallet new") {
		t.Fatalf("missing wallet: exit %d %s", code, stderr)
	}
}

func TestChainCommandsWithoutChain(t *testing.T) {
	_, url := startGateway(t, nil)
	walletEnv(t, "x")
	code, _, stderr := chainCLI(t, url, "wallet", "balance", dev(t, "Alice").Address())
	if code != 1 || !strings.Contains(stderr, "without a chain") {
		t.Fatalf("exit %d %s", code, stderr)
	}
	code, _, stderr = chainCLI(t, url, "chain", "status")
	if code != 1 || !strings.Contains(stderr, "runs without a chain") {
		t.Fatalf("exit %d %s", code, stderr)
	}
}

func TestWalletTransferAndHistory(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	alice, dave := dev(t, "Alice"), dev(t, "Dave").Address()

	code, stdout, stderr := chainCLI(t, url, "wallet", "transfer", dave, "1.5", "--memo", "lunch")
	if code != 0 || !strings.Contains(stdout, "sent $1.500000") || !strings.Contains(stdout, dave) {
		t.Fatalf("transfer: exit %d\n%s%s", code, stdout, stderr)
	}
	if len(c.txs) != 1 {
		t.Fatalf("%d transactions", len(c.txs))
	}
	tx := c.txs[0]
	m, ok := tx.Msg.(*ledger.MsgTransfer)
	if !ok || m.To != dave || m.Amount != 1_500_000 || m.Memo != "lunch" || tx.From() != alice.Address() || tx.ChainID != testChainID || tx.Nonce != 0 {
		t.Fatalf("transaction %+v %+v", tx, tx.Msg)
	}
	if got := c.account(t, dave).Balance; got != 1_500_000 {
		t.Fatalf("Dave has %d", got)
	}

	// The next one uses the next nonce; a nonce refused once is read
	// again and the transaction signed anew.
	c.staleNonce = 1
	if code, _, stderr := chainCLI(t, url, "wallet", "transfer", dave, "$0.25"); code != 0 {
		t.Fatalf("transfer after a nonce race: exit %d %s", code, stderr)
	}
	if n := c.txs[len(c.txs)-1].Nonce; n != 1 {
		t.Fatalf("second transfer signed with nonce %d", n)
	}
	c.staleNonce = 2
	if code, _, stderr := chainCLI(t, url, "wallet", "transfer", dave, "0.25"); code != 1 || !strings.Contains(stderr, "nonce raced") || !strings.Contains(stderr, "fetch the account's nonce") {
		t.Fatalf("transfer refused twice: exit %d %s", code, stderr)
	}
	c.staleNonce = 0

	// Refusals carry the ledger's reason.
	code, _, stderr = chainCLI(t, url, "wallet", "transfer", dave, "1000")
	if code != 1 || !strings.Contains(stderr, "needs $1000.000000") || !strings.Contains(stderr, "faucet") {
		t.Fatalf("overdraft: exit %d %s", code, stderr)
	}
	for _, args := range [][]string{{dave, "0"}, {dave, "-1"}, {dave, "1.0000001"}, {"nope", "1"}} {
		if code, _, _ := chainCLI(t, url, append([]string{"wallet", "transfer"}, args...)...); code != 1 {
			t.Fatalf("transfer %v: exit %d", args, code)
		}
	}

	code, stdout, stderr = chainCLI(t, url, "wallet", "history")
	if code != 0 {
		t.Fatalf("history: exit %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "COUNTERPARTY") || !strings.Contains(lines[1], "-$0.250000") ||
		!strings.Contains(lines[2], "-$1.500000") || !strings.Contains(lines[2], dave) || !strings.Contains(lines[2], "bank/transfer") {
		t.Fatalf("history:\n%s", stdout)
	}
	code, stdout, stderr = chainCLI(t, url, "wallet", "history", dave, "--per-page", "1")
	if code != 0 || !strings.Contains(stdout, "+$0.250000") || !strings.Contains(stderr, "--page 2") {
		t.Fatalf("Dave's history page 1: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, _ := chainCLI(t, url, "wallet", "history", "--per-page", "101"); code != 1 {
		t.Fatal("--per-page 101 accepted")
	}
}

func TestWalletFaucet(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	code, stdout, stderr := chainCLI(t, url, "wallet", "faucet")
	if code != 0 || !strings.Contains(stdout, "$100.000000") {
		t.Fatalf("faucet: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := c.account(t, dev(t, "Alice").Address()).Balance; got != 150*ledger.USD {
		t.Fatalf("Alice has %d after the faucet", got)
	}
	c.faucet = nil
	if code, _, stderr := chainCLI(t, url, "wallet", "faucet"); code != 1 || !strings.Contains(stderr, "no faucet") {
		t.Fatalf("without a faucet: exit %d %s", code, stderr)
	}
}

func TestChainStatusAndCheck(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	code, stdout, stderr := chainCLI(t, url, "chain", "status")
	if code != 0 || !strings.Contains(stdout, testChainID) || !strings.Contains(stdout, c.arbiter) || !strings.Contains(stdout, "1.00%") || !strings.Contains(stdout, "1000 blocks") {
		t.Fatalf("status: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = chainCLI(t, url, "chain", "check")
	if code != 0 || !strings.Contains(stdout, "supply conserved") || strings.Contains(stdout, "FAIL") {
		t.Fatalf("check of a sound chain: exit %d\n%s%s", code, stdout, stderr)
	}
	c.report = &ledger.Report{Height: 9, Held: 5, Supply: 6, Problems: []string{
		"supply not conserved: the state holds 5, genesis + minted - burned is 6",
		"balance of 5Grw is negative: -1",
	}}
	code, stdout, stderr = chainCLI(t, url, "chain", "check")
	if code != 1 || !strings.Contains(stdout, "FAIL") || !strings.Contains(stderr, "supply not conserved") || !strings.Contains(stderr, "is negative") {
		t.Fatalf("check of a broken chain: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := chainCLI(t, url, "chain", "check", "-o", "json"); code != 1 || !strings.Contains(stdout, `"problems"`) {
		t.Fatalf("check -o json of a broken chain: exit %d %s", code, stdout)
	}
}

func TestProviderLifecycle(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	alice := dev(t, "Alice").Address()
	dataDir := t.TempDir()

	// No key: a clear error, and no key made.
	code, _, stderr := chainCLI(t, url, "provider", "register", "--data-dir", dataDir)
	if code != 1 || !strings.Contains(stderr, filepath.Join(dataDir, "peer.key")) || !strings.Contains(stderr, "opensky node") {
		t.Fatalf("register without a key: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "peer.key")); err == nil {
		t.Fatal("register created a peer key")
	}

	key, err := identity.LoadOrCreatePeerKey(filepath.Join(dataDir, "peer.key"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := chainCLI(t, url, "provider", "register", "--data-dir", dataDir, "--stake", "12.5",
		"--cpu", "2", "--memory", "4Gi", "--price-per-cpu-second", "0.0002")
	if code != 0 || !strings.Contains(stdout, "staking $12.500000") {
		t.Fatalf("register: exit %d\n%s%s", code, stdout, stderr)
	}
	m := c.txs[len(c.txs)-1].Msg.(*ledger.MsgRegister)
	if m.Capacity.MilliCPU != 2000 || m.Capacity.MemoryBytes != 4<<30 || m.PricePerCPUSecond != 200 || m.Stake != 12_500_000 {
		t.Fatalf("registration %+v", m)
	}

	code, stdout, stderr = chainCLI(t, url, "provider", "status")
	if code != 0 || !strings.Contains(stdout, "$12.500000") || !strings.Contains(stdout, "50.0%") || !strings.Contains(stdout, "active      yes") || !strings.Contains(stdout, "2 CPU") {
		t.Fatalf("status: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = chainCLI(t, url, "provider", "status", m.PeerID, "-o", "json")
	var pv ledger.ProviderView
	if code != 0 || json.Unmarshal([]byte(stdout), &pv) != nil || pv.Address != alice || pv.PeerID != m.PeerID {
		t.Fatalf("status by peer: exit %d %s", code, stdout)
	}
	if pid, _ := peer.IDFromPrivateKey(key); pid.String() != m.PeerID {
		t.Fatalf("registered peer %s, the key's is %s", m.PeerID, pid)
	}
	code, stdout, stderr = chainCLI(t, url, "provider", "earnings")
	if code != 0 || !strings.Contains(stdout, "earned    $0.000000") || !strings.Contains(stdout, "no payouts yet") {
		t.Fatalf("earnings: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := chainCLI(t, url, "provider", "status", dev(t, "Dave").Address()); code != 1 || !strings.Contains(stderr, "not a registered provider") {
		t.Fatalf("status of a stranger: exit %d %s", code, stderr)
	}

	code, stdout, stderr = chainCLI(t, url, "provider", "unregister")
	if code != 0 || !strings.Contains(stdout, "unbonding for 1000 blocks") || !strings.Contains(stdout, "$12.500000") {
		t.Fatalf("unregister: exit %d\n%s%s", code, stdout, stderr)
	}
	if a := c.account(t, alice); a.Unbonding != 12_500_000 || a.Stake != 0 {
		t.Fatalf("after unregister: %+v", a)
	}
	if code, _, stderr := chainCLI(t, url, "provider", "unregister"); code != 1 || !strings.Contains(stderr, "not an active provider") {
		t.Fatalf("second unregister: exit %d %s", code, stderr)
	}
}

func TestWasmRunLocksEscrow(t *testing.T) {
	c := newLedgerChain(t)
	b, url := startChainGateway(t, c)
	alice := dev(t, "Alice")
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)

	code, _, stderr := chainCLI(t, url, "wasm", "run", mod)
	if code != 0 {
		t.Fatalf("wasm run: exit %d %s", code, stderr)
	}
	want := ledger.EscrowID(alice.PublicKey(), 0)
	if len(b.submitted) != 1 || b.submitted[0].Escrow != want || b.submitted[0].MaxPrice != spec.Dollar {
		t.Fatalf("submitted escrow %q maxPrice %s, want %s for $1", b.submitted[0].Escrow, b.submitted[0].MaxPrice, want)
	}
	if !strings.Contains(stderr, "locked $1.010000 in escrow "+want+" for this job") {
		t.Fatalf("stderr %q", stderr)
	}
	var e ledger.Escrow
	data, err := c.l.QueryJSON(ledger.QueryEscrow + want)
	if err != nil || json.Unmarshal(data, &e) != nil || e.Owner != alice.Address() || e.Arbiter != c.arbiter || e.Amount != 1_010_000 || e.State != ledger.EscrowOpen {
		t.Fatalf("escrow %+v, %v", e, err)
	}

	// A spec's own maxPrice is what is locked; a spec that names an
	// escrow is submitted as it is.
	dir := t.TempDir()
	writeFile(t, dir, "m.wasm", wasmBytes)
	job := writeFile(t, dir, "job.yaml", []byte("apiVersion: opensky/v1\nengine: wasm\nmodule: m.wasm\nmaxPrice: \"2.5\"\n"))
	if code, _, stderr := chainCLI(t, url, "job", "run", "-f", job, "--detach"); code != 0 || !strings.Contains(stderr, "locked $2.525000") {
		t.Fatalf("job run: exit %d %s", code, stderr)
	}
	if got := b.submitted[1].Escrow; got != ledger.EscrowID(alice.PublicKey(), 1) {
		t.Fatalf("job run escrow %q", got)
	}
	named := writeFile(t, dir, "named.yaml", []byte("apiVersion: opensky/v1\nengine: wasm\nmodule: m.wasm\nescrow: "+want+"\n"))
	if code, _, stderr := chainCLI(t, url, "job", "run", "-f", named, "--detach"); code != 0 || strings.Contains(stderr, "locked") {
		t.Fatalf("job run with an escrow: exit %d %s", code, stderr)
	}
	if len(c.txs) != 2 {
		t.Fatalf("%d transactions, want the two locks", len(c.txs))
	}

	// --max-price; a wallet that cannot pay stops the job before it is
	// submitted.
	if code, _, stderr := chainCLI(t, url, "docker", "run", "--max-price", "0.5", "--detach", "busybox"); code != 0 || !strings.Contains(stderr, "locked $0.505000") {
		t.Fatalf("docker run --max-price: exit %d %s", code, stderr)
	}
	code, _, stderr = chainCLI(t, url, "wasm", "run", "--max-price", "100", mod)
	if code != exitJobFailure || !strings.Contains(stderr, "needs $101.000000") || len(b.submitted) != 4 {
		t.Fatalf("wasm run over the balance: exit %d, %d submitted, %s", code, len(b.submitted), stderr)
	}
}
