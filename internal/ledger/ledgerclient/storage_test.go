package ledgerclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

// startChainWithArbiter is startChain with arbiter among the genesis's
// arbiters.
func startChainWithArbiter(t *testing.T, arbiter *identity.Account, funded ...*identity.Account) *Client {
	t.Helper()
	dir := t.TempDir()
	key, err := chain.InitValidator(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := ledger.Genesis{Params: ledger.DefaultParams()}
	g.Params.Arbiters = []string{arbiter.Address()}
	for _, a := range append(funded, arbiter) {
		g.Accounts = append(g.Accounts, ledger.GenesisAccount{Address: a.Address(), Balance: 1000 * ledger.USD})
	}
	state, _ := json.Marshal(g)
	gen, err := chain.NewGenesis("opensky-test", []chain.ValidatorKey{key}, state)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.Open(filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := chain.Start(context.Background(), ledger.NewApp(l), chain.Options{Dir: dir, Genesis: gen, BlockTime: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(); l.Close() })
	return New(n)
}

// peerKey is a deterministic libp2p key for name.
func peerKey(t *testing.T, name string) crypto.PrivKey {
	t.Helper()
	seed := sha256.Sum256([]byte("opensky/ledgerclient-test/" + name))
	k, _, err := crypto.GenerateEd25519Key(bytesReader(seed[:]))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type bytesReader []byte

func (b bytesReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = b[i%len(b)]
	}
	return len(p), nil
}

func root(i int) string {
	h := sha256.Sum256([]byte{byte(i)})
	return hex.EncodeToString(h[:])
}

// A deal's life through a running chain: the owner opens and closes it
// with its sender, the arbiter assigns, audits and repairs it, and
// retries of what the chain already holds are recognisable.
func TestStorageDealThroughTheChain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice, orch := account(t, "//Alice"), account(t, "//Orch")
	provs := []*identity.Account{account(t, "//Provider0"), account(t, "//Provider1"), account(t, "//Provider2")}
	c := startChainWithArbiter(t, orch, append([]*identity.Account{alice}, provs...)...)
	for i, p := range provs {
		if _, err := EnsureRegistered(ctx, c, c.Sender(p), peerKey(t, p.Address()), Offer{Stake: 10 * ledger.USD}); err != nil {
			t.Fatalf("register provider %d: %v", i, err)
		}
	}
	owner := c.Sender(alice)
	id, err := owner.OpenDeal(ctx, ledger.MsgOpenDeal{Arbiter: orch.Address(), Amount: 20 * ledger.USD, Periods: 4, PeriodBlocks: 20})
	if err != nil {
		t.Fatal(err)
	}
	if want := ledger.DealID(alice.PublicKey(), 0); id != want {
		t.Fatalf("deal %s, want %s", id, want)
	}
	if _, err := owner.OpenDeal(ctx, ledger.MsgOpenDeal{Arbiter: alice.Address(), Amount: ledger.USD, Periods: 1, PeriodBlocks: 1}); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("a self-arbitrated deal: %v", err)
	}

	arb := NewArbiter(c, orch)
	err = arb.AssignDeal(ctx, ledger.MsgAssignDeal{Deal: id, Object: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", Size: 1 << 20,
		Shards: []ledger.ShardAssignment{
			{Index: 0, Provider: provs[0].Address(), Root: root(0), PerPeriod: ledger.USD},
			{Index: 1, Provider: provs[1].Address(), Root: root(1), PerPeriod: ledger.USD},
		}})
	if err != nil {
		t.Fatal(err)
	}
	audit := ledger.MsgAuditDeal{Deal: id, Period: 1, Results: []ledger.AuditResult{{Index: 0, Pass: true}, {Index: 1, Pass: false}}}
	if err := arb.ReportAudit(ctx, audit); err != nil {
		t.Fatal(err)
	}
	if err := arb.ReportAudit(ctx, audit); !errors.Is(err, ErrPeriodReported) || !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("a repeated report: %v", err)
	}
	if err := arb.ReplaceShard(ctx, ledger.MsgReplaceShard{Deal: id, Index: 1, Provider: provs[2].Address(), Root: root(2), PerPeriod: ledger.USD}); err != nil {
		t.Fatal(err)
	}
	if err := arb.ReplaceShard(ctx, ledger.MsgReplaceShard{Deal: id, Index: 1, Provider: alice.Address(), Root: root(3), PerPeriod: ledger.USD}); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("a shard moved to a non-provider: %v", err)
	}
	d, err := arb.Deal(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Audited != 1 || d.Shards[1].Provider != provs[2].Address() || d.Balance != 19*ledger.USD {
		t.Fatalf("deal %+v", d)
	}
	for who, want := range map[string]int{provs[0].Address(): 1, provs[1].Address(): 0, provs[2].Address(): 1} {
		ds, err := c.DealsByProvider(ctx, who)
		if err != nil || len(ds) != want {
			t.Fatalf("deals of %s: %d, %v; want %d", who, len(ds), err, want)
		}
	}
	if ds, err := c.DealsByOwner(ctx, alice.Address()); err != nil || len(ds) != 1 || ds[0].ID != id {
		t.Fatalf("deals of the owner: %+v %v", ds, err)
	}

	before, _ := c.Account(ctx, alice.Address())
	if err := owner.CloseDeal(ctx, id); err != nil {
		t.Fatal(err)
	}
	after, _ := c.Account(ctx, alice.Address())
	if after.Balance-before.Balance != 19*ledger.USD {
		t.Fatalf("the owner got %d back", after.Balance-before.Balance)
	}
	if err := arb.CloseDeal(ctx, id); !errors.Is(err, ErrDealClosed) {
		t.Fatalf("closing a closed deal: %v", err)
	}
	if err := arb.ReportAudit(ctx, ledger.MsgAuditDeal{Deal: id, Period: 2, Results: audit.Results}); !errors.Is(err, ErrDealClosed) {
		t.Fatalf("auditing a closed deal: %v", err)
	}
	if _, err := c.Deal(ctx, "d-none"); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("a missing deal: %v", err)
	}
	if r, err := c.Invariants(ctx); err != nil || !r.OK() || r.Deals != 1 {
		t.Fatalf("invariants %+v %v", r, err)
	}
}
