package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/ledger"
)

// assignEscrow binds escrow to job on c as the gateway's arbiter does.
func assignEscrow(t *testing.T, c *ledgerChain, escrow, job string) {
	t.Helper()
	charlie := dev(t, "Charlie")
	if _, err := c.Faucet(t.Context(), charlie.Address()); err != nil {
		t.Fatal(err)
	}
	a := c.account(t, charlie.Address())
	tx, err := ledger.NewTx(charlie, testChainID, a.Nonce, &ledger.MsgAssign{Escrow: escrow, Job: job})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.BroadcastTx(t.Context(), tx); err != nil {
		t.Fatalf("assign %s: %v", escrow, err)
	}
}

func TestEscrowLockAndList(t *testing.T) {
	c := newLedgerChain(t)
	_, url := startChainGateway(t, c)
	alice := dev(t, "Alice")

	code, stdout, stderr := chainCLI(t, url, "escrow", "lock", "2.00")
	first := ledger.EscrowID(alice.PublicKey(), 0)
	if code != 0 || strings.TrimSpace(stdout) != first {
		t.Fatalf("escrow lock: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "locked $2.000000 in escrow "+first+" with arbiter "+c.arbiter) {
		t.Errorf("escrow lock: stderr %q", stderr)
	}
	var e ledger.Escrow
	data, err := c.l.QueryJSON(ledger.QueryEscrow + first)
	if err != nil || json.Unmarshal(data, &e) != nil {
		t.Fatalf("escrow %s on the chain: %v", first, err)
	}
	if e.Owner != alice.Address() || e.Arbiter != c.arbiter || e.Amount != 2*ledger.USD || e.State != ledger.EscrowOpen || e.ExpiresAt-e.CreatedAt != escrowBlocks {
		t.Fatalf("escrow on the chain %+v", e)
	}
	if a := c.account(t, alice.Address()); a.Balance != 48*ledger.USD {
		t.Fatalf("alice's balance %d after locking $2 of $50", a.Balance)
	}

	code, stdout, stderr = chainCLI(t, url, "escrow", "lock", "0.5", "--expires-in", "30000", "-o", "json")
	var locked lockedEscrow
	if code != 0 || json.Unmarshal([]byte(stdout), &locked) != nil {
		t.Fatalf("escrow lock -o json: exit %d %q %s", code, stdout, stderr)
	}
	second := ledger.EscrowID(alice.PublicKey(), 1)
	if locked.ID != second || locked.Amount != 500_000 || locked.Owner != alice.Address() || locked.ExpiresAt != locked.Height+30000 {
		t.Fatalf("locked %+v", locked)
	}

	// Bad amounts and terms are refused before anything is sent.
	for _, args := range [][]string{{"0"}, {"-1"}, {"abc"}, {"1", "--expires-in", "20000"}, {"1", "--expires-in", "20000000"}} {
		if code, _, stderr := chainCLI(t, url, append([]string{"escrow", "lock"}, args...)...); code == 0 {
			t.Errorf("escrow lock %v: accepted (%s)", args, stderr)
		}
	}
	if len(c.txs) != 2 {
		t.Fatalf("%d transactions, want the two locks", len(c.txs))
	}

	// A job is bound to the first: it is no longer usable.
	assignEscrow(t, c, first, "j-bound")
	code, stdout, stderr = chainCLI(t, url, "escrow", "list")
	if code != 0 {
		t.Fatalf("escrow list: exit %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("escrow list:\n%s", stdout)
	}
	if f := strings.Fields(lines[1]); f[0] != second || f[1] != "$0.500000" || f[2] != "open" || f[3] != "-" || f[len(f)-1] != "yes" {
		t.Errorf("newest escrow row %q", lines[1])
	}
	if f := strings.Fields(lines[2]); f[0] != first || f[2] != "assigned" || f[3] != "j-bound" || f[len(f)-1] != "no" {
		t.Errorf("bound escrow row %q", lines[2])
	}

	code, stdout, _ = chainCLI(t, url, "escrow", "list", "-o", "json")
	var rows []escrowRow
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil || len(rows) != 2 {
		t.Fatalf("escrow list -o json: %s", stdout)
	}
	if !rows[0].Usable || rows[1].Usable || rows[0].BlocksLeft <= escrowMargin || rows[1].Job != "j-bound" {
		t.Errorf("rows %+v", rows)
	}

	// Another account has none; yaml is offered too.
	code, stdout, stderr = chainCLI(t, url, "escrow", "list", dev(t, "Bob").Address())
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stderr, "opensky escrow lock") {
		t.Fatalf("bob's escrows: exit %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := chainCLI(t, url, "escrow", "list", "-o", "yaml"); code != 0 || !strings.Contains(stdout, "usable: true") {
		t.Fatalf("escrow list -o yaml:\n%s", stdout)
	}
}

func TestEscrowWithoutChain(t *testing.T) {
	_, url := startGateway(t, nil)
	walletEnv(t, "x")
	for _, args := range [][]string{{"escrow", "lock", "1"}, {"escrow", "list", dev(t, "Alice").Address()}} {
		if code, _, stderr := chainCLI(t, url, args...); code != 1 || !strings.Contains(stderr, "without a chain") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
}
