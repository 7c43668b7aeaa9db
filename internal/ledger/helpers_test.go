package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/identity"
)

// testChain is the chain ID of every test ledger.
const testChain = "opensky-test-1"

// testFunds is what each genesis account starts with.
const testFunds = 1_000 * USD

// devAccounts caches derived dev accounts: derivation is the slow part of
// building a harness.
var devAccounts sync.Map // name -> *identity.Account

func devAccount(t testing.TB, name string) *identity.Account {
	t.Helper()
	if a, ok := devAccounts.Load(name); ok {
		return a.(*identity.Account)
	}
	a, err := identity.DevAccount(name)
	if err != nil {
		t.Fatalf("dev account %s: %v", name, err)
	}
	devAccounts.Store(name, a)
	return a
}

// peerKeys caches testPeerKey's answers.
var peerKeys sync.Map // name -> peerKey

type peerKey struct {
	priv crypto.PrivKey
	id   peer.ID
}

// testPeerKey is a deterministic ed25519 libp2p key for name.
func testPeerKey(t testing.TB, name string) (crypto.PrivKey, peer.ID) {
	t.Helper()
	if k, ok := peerKeys.Load(name); ok {
		return k.(peerKey).priv, k.(peerKey).id
	}
	seed := sha256.Sum256([]byte("opensky/ledger-test/peer/" + name))
	priv, err := crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	peerKeys.Store(name, peerKey{priv, id})
	return priv, id
}

// harness is an in-memory ledger with funded dev accounts, a block helper
// and transaction builders that track each sender's nonce.
type harness struct {
	t       testing.TB
	l       *Ledger
	chainID string
	genesis Genesis
	names   []string
	nonce   map[string]uint64 // by name: the next nonce to use
	// checkInvariants makes block fail the test when CheckInvariants
	// reports a problem after the commit.
	checkInvariants bool
}

// defaultNames are the accounts funded at genesis. "Bridge" is the params'
// bridge; "Orch" and "Orch2" act as arbiters; "P1".."P3" as providers.
var defaultNames = []string{"Alice", "Bob", "Charlie", "Dave", "Eve", "Orch", "Orch2", "P1", "P2", "P3", "Bridge"}

type harnessOpt func(*Genesis, *[]string)

func withParams(f func(*Params)) harnessOpt {
	return func(g *Genesis, _ *[]string) { f(&g.Params) }
}

func withAccounts(names ...string) harnessOpt {
	return func(_ *Genesis, n *[]string) { *n = names }
}

// genesisFor funds names with testFunds each, with "Bridge" as the bridge.
func genesisFor(t testing.TB, names []string, params Params) Genesis {
	g := Genesis{Params: params}
	g.Params.Bridge = devAccount(t, "Bridge").Address()
	if g.Params.Arbiters == nil {
		g.Params.Arbiters = []string{devAccount(t, "Orch").Address(), devAccount(t, "Orch2").Address()}
	}
	for _, n := range names {
		g.Accounts = append(g.Accounts, GenesisAccount{Address: devAccount(t, n).Address(), Balance: testFunds})
	}
	return g
}

func newHarness(t testing.TB, opts ...harnessOpt) *harness {
	t.Helper()
	return newHarnessAt(t, "", opts...)
}

// newHarnessAt opens the ledger at path ("" for memory) and writes the
// genesis.
func newHarnessAt(t testing.TB, path string, opts ...harnessOpt) *harness {
	t.Helper()
	names := slices.Clone(defaultNames)
	g := Genesis{Params: DefaultParams()}
	for _, o := range opts {
		o(&g, &names)
	}
	g = genesisFor(t, names, g.Params)
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if _, err := l.InitChain(testChain, g); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, l: l, chainID: testChain, genesis: g, names: names, nonce: map[string]uint64{}, checkInvariants: true}
}

func (h *harness) acct(name string) *identity.Account { return devAccount(h.t, name) }
func (h *harness) addr(name string) string            { return h.acct(name).Address() }

// peerID is the peer ID of name's provider key.
func (h *harness) peerID(name string) string {
	_, id := testPeerKey(h.t, name)
	return id.String()
}

// sign builds a transaction from name with an explicit nonce, leaving the
// tracked nonce alone.
func (h *harness) sign(name string, nonce uint64, m Msg) []byte {
	h.t.Helper()
	b, err := NewTx(h.acct(name), h.chainID, nonce, m)
	if err != nil {
		h.t.Fatalf("NewTx %s from %s: %v", m.Type(), name, err)
	}
	return b
}

// next builds a transaction from name with its next nonce and uses it up.
func (h *harness) next(name string, m Msg) []byte {
	h.t.Helper()
	n := h.nonce[name]
	h.nonce[name] = n + 1
	return h.sign(name, n, m)
}

// resync sets name's tracked nonce to the committed one.
func (h *harness) resync(name string) { h.nonce[name] = h.account(name).Nonce }

func (h *harness) transfer(from, to string, amount int64) []byte {
	return h.next(from, &MsgTransfer{To: h.addr(to), Amount: amount})
}

func (h *harness) mint(from, to string, amount int64, ref string) []byte {
	return h.next(from, &MsgMint{To: h.addr(to), Amount: amount, Ref: ref})
}

func (h *harness) burn(from string, amount int64) []byte {
	return h.next(from, &MsgBurn{Amount: amount, Dest: "polkadot:" + h.addr(from)})
}

// registerMsg is a registration of name's own peer key.
func (h *harness) registerMsg(name string, stake int64) *MsgRegister {
	h.t.Helper()
	priv, id := testPeerKey(h.t, name)
	sig, err := priv.Sign(BindMessage(h.chainID, h.addr(name)))
	if err != nil {
		h.t.Fatal(err)
	}
	return &MsgRegister{PeerID: id.String(), PeerSig: sig, Stake: stake, PricePerCPUSecond: 20,
		MinPrice: 1000, Capacity: Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 100 << 30}}
}

func (h *harness) register(name string, stake int64) []byte {
	return h.next(name, h.registerMsg(name, stake))
}

func (h *harness) update(name string, addStake int64) []byte {
	return h.next(name, &MsgUpdateProvider{AddStake: addStake, PricePerCPUSecond: 25, MinPrice: 1000,
		Capacity: Capacity{MilliCPU: 8000}})
}

func (h *harness) unregister(name string) []byte { return h.next(name, &MsgUnregister{}) }

// lock builds an escrow lock and returns the ID the escrow will have.
func (h *harness) lock(owner, arbiter string, amount, expiresIn int64) ([]byte, string) {
	n := h.nonce[owner]
	tx := h.next(owner, &MsgLock{Arbiter: h.addr(arbiter), Amount: amount, ExpiresIn: expiresIn})
	return tx, EscrowID(h.acct(owner).PublicKey(), n)
}

func (h *harness) assign(arbiter, escrow, job string) []byte {
	return h.next(arbiter, &MsgAssign{Escrow: escrow, Job: job})
}

func (h *harness) expire(name, escrow string) []byte {
	return h.next(name, &MsgExpire{Escrow: escrow})
}

func (h *harness) settle(arbiter string, m *MsgSettle) []byte { return h.next(arbiter, m) }

// pay is a payout of amount to provider name's peer for task.
func (h *harness) pay(name, task string, amount int64) Payout {
	return Payout{Peer: h.peerID(name), Task: task, Amount: amount, PricePerCPUSecond: 20}
}

// block applies txs as the next block and commits it. It fails the test
// if the block lifecycle fails or, unless turned off, an invariant breaks.
func (h *harness) block(txs ...[]byte) []Result {
	h.t.Helper()
	height := h.l.Height() + 1
	if err := h.l.BeginBlock(height); err != nil {
		h.t.Fatalf("BeginBlock(%d): %v", height, err)
	}
	res := make([]Result, len(txs))
	for i, tx := range txs {
		res[i] = h.l.DeliverTx(tx)
	}
	hash, err := h.l.EndBlock()
	if err != nil {
		h.t.Fatalf("EndBlock: %v", err)
	}
	if err := h.l.Commit(); err != nil {
		h.t.Fatalf("Commit: %v", err)
	}
	if !bytes.Equal(hash, h.l.AppHash()) {
		h.t.Fatalf("EndBlock returned app hash %x, Commit stored %x", hash, h.l.AppHash())
	}
	if h.checkInvariants {
		if r := h.l.CheckInvariants(); !r.OK() {
			h.t.Fatalf("invariants broken after block %d: %v", height, r.Problems)
		}
	}
	return res
}

// blocks applies n empty blocks.
func (h *harness) blocks(n int) {
	h.t.Helper()
	for range n {
		h.block()
	}
}

// ok applies txs in one block and fails the test unless every one
// succeeds.
func (h *harness) ok(txs ...[]byte) []Result {
	h.t.Helper()
	res := h.block(txs...)
	for i, r := range res {
		if r.Code != CodeOK {
			h.t.Fatalf("tx %d of block %d: %v: %s", i, h.l.Height(), r.Code, r.Log)
		}
	}
	return res
}

// fails applies tx alone in a block and fails the test unless it is
// rejected with want.
func (h *harness) fails(want Code, tx []byte) Result {
	h.t.Helper()
	r := h.block(tx)[0]
	if r.Code != want {
		h.t.Fatalf("got %v (%s), want %v", r.Code, r.Log, want)
	}
	return r
}

func (h *harness) account(name string) Account {
	a, _ := getAccount(h.l.st, h.addr(name))
	return a
}

func (h *harness) balance(name string) int64 { return h.account(name).Balance }

func (h *harness) provider(name string) Provider {
	h.t.Helper()
	p, ok := getProvider(h.l.st, h.addr(name))
	if !ok {
		h.t.Fatalf("%s is not a provider", name)
	}
	return p
}

func (h *harness) escrow(id string) Escrow {
	h.t.Helper()
	e, ok := getEscrow(h.l.st, id)
	if !ok {
		h.t.Fatalf("no escrow %s", id)
	}
	return e
}

func (h *harness) reputation(name string) Reputation { return getReputation(h.l.st, h.addr(name)) }
func (h *harness) supply() Supply                    { return getSupply(h.l.st) }
func (h *harness) treasury() int64                   { return getTreasury(h.l.st).Balance }

// snapshot copies the committed state.
func (h *harness) snapshot() map[string][]byte {
	h.l.st.mu.RLock()
	defer h.l.st.mu.RUnlock()
	return maps.Clone(h.l.st.data)
}

// diffKeys lists the keys whose values differ between two snapshots.
func diffKeys(a, b map[string][]byte) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// rawTx encodes a transaction field by field without any of NewTx's
// checks, so tests can sign what NewTx would refuse to build.
func rawTx(s Signer, chainID string, nonce uint64, typ string, payload []byte) []byte {
	pub := s.PublicKey()
	b := []byte{txVersion}
	b = appendBytes(b, []byte(chainID))
	b = append(b, pub[:]...)
	b = binary.BigEndian.AppendUint64(b, nonce)
	b = appendBytes(b, []byte(typ))
	b = appendBytes(b, payload)
	sig, err := s.Sign(signedMessage(b))
	if err != nil {
		panic(err)
	}
	return append(b, sig...)
}

// encodeTx re-encodes a decoded transaction in NewTx's layout with its
// own signature.
func encodeTx(t *Tx) ([]byte, error) {
	payload, err := marshal(t.Msg)
	if err != nil {
		return nil, err
	}
	b := []byte{txVersion}
	b = appendBytes(b, []byte(t.ChainID))
	b = append(b, t.Sender[:]...)
	b = binary.BigEndian.AppendUint64(b, t.Nonce)
	b = appendBytes(b, []byte(t.Msg.Type()))
	b = appendBytes(b, payload)
	return append(b, t.Sig...), nil
}

// mustCode fails the test unless r has code want.
func mustCode(t testing.TB, what string, r Result, want Code) {
	t.Helper()
	if r.Code != want {
		t.Fatalf("%s: got %v (%s), want %v", what, r.Code, r.Log, want)
	}
}

func usd(v float64) int64 { return int64(v * float64(USD)) }

// has reports whether the committed state has key.
func (s *store) has(key string) bool { _, ok := s.get(key); return ok }

func errorsIs(err, target error) bool { return errors.Is(err, target) }
