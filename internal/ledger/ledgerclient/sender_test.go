package ledgerclient

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
)

func account(t *testing.T, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startChain runs a one-validator chain with the given accounts funded.
func startChain(t *testing.T, funded ...*identity.Account) *Client {
	t.Helper()
	dir := t.TempDir()
	key, err := chain.InitValidator(dir)
	if err != nil {
		t.Fatal(err)
	}
	g := ledger.Genesis{Params: ledger.DefaultParams()}
	for _, a := range funded {
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
	n, err := chain.Start(context.Background(), ledger.NewApp(l), chain.Options{Dir: dir, Genesis: gen, BlockTime: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(); l.Close() })
	return New(n)
}

// TestSenderKeepsNoncesInOrderUnderConcurrency sends many transactions at
// once from one account: every one commits, in nonce order, and none is
// refused as a replay.
func TestSenderKeepsNoncesInOrderUnderConcurrency(t *testing.T) {
	alice, bob := account(t, "//Alice"), account(t, "//Bob")
	c := startChain(t, alice)
	s := c.Sender(alice)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Send(context.Background(), &ledger.MsgTransfer{To: bob.Address(), Amount: ledger.USD})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := c.Account(context.Background(), alice.Address())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Account(context.Background(), bob.Address())
	if a.Nonce != n || b.Balance != n*ledger.USD {
		t.Fatalf("alice nonce %d, bob balance %d; want %d and %d", a.Nonce, b.Balance, n, n*ledger.USD)
	}
}

// TestSenderRecoversFromAnotherClientUsingTheAccount: a nonce used behind
// the sender's back is read again from the chain, once.
func TestSenderRecoversFromAnotherClientUsingTheAccount(t *testing.T) {
	alice, bob := account(t, "//Alice"), account(t, "//Bob")
	c := startChain(t, alice)
	first, second := c.Sender(alice), c.Sender(alice)
	ctx := context.Background()
	if _, err := first.Send(ctx, &ledger.MsgTransfer{To: bob.Address(), Amount: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := second.Send(ctx, &ledger.MsgTransfer{To: bob.Address(), Amount: 1}); err != nil {
		t.Fatal(err)
	}
	// first still believes the next nonce is 1.
	if _, err := first.Send(ctx, &ledger.MsgTransfer{To: bob.Address(), Amount: 1}); err != nil {
		t.Fatalf("after another client used the account: %v", err)
	}
	if _, err := first.Send(ctx, &ledger.MsgTransfer{To: bob.Address(), Amount: 2000 * ledger.USD}); err == nil {
		t.Fatal("an overdraft was accepted")
	}
	a, _ := c.Account(ctx, alice.Address())
	if a.Nonce != 3 {
		t.Fatalf("nonce %d after three transfers and a refused overdraft", a.Nonce)
	}
}
