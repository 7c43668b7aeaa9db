package ledger

import (
	"slices"
	"testing"
)

func TestTransferMovesMoney(t *testing.T) {
	h := newHarness(t)
	res := h.ok(h.transfer("Alice", "Bob", usd(12.5)))
	if got, want := h.balance("Alice"), testFunds-usd(12.5); got != want {
		t.Fatalf("Alice has %d, want %d", got, want)
	}
	if got, want := h.balance("Bob"), testFunds+usd(12.5); got != want {
		t.Fatalf("Bob has %d, want %d", got, want)
	}
	if h.account("Alice").Nonce != 1 || h.account("Bob").Nonce != 0 {
		t.Fatalf("nonces: Alice %d, Bob %d", h.account("Alice").Nonce, h.account("Bob").Nonce)
	}
	if !hasEvent(res[0], "transfer", "amount", "12500000") {
		t.Fatalf("no transfer event: %+v", res[0].Events)
	}
}

func TestTransferToNewAccountCreatesIt(t *testing.T) {
	h := newHarness(t)
	h.ok(h.transfer("Alice", "Newcomer", USD))
	if !h.l.st.has(prefAccount + h.addr("Newcomer")) {
		t.Fatal("the recipient's account was not created")
	}
	if got := h.balance("Newcomer"); got != USD {
		t.Fatalf("Newcomer has %d", got)
	}
	// The new account can now send: its nonce starts at 0.
	h.ok(h.transfer("Newcomer", "Alice", USD/2))
}

func TestTransferInsufficientFundsChangesNothing(t *testing.T) {
	h := newHarness(t)
	tx := h.transfer("Alice", "Bob", testFunds+1)
	before := h.snapshot()
	h.fails(CodeInsufficientFund, tx)
	changed := diffKeys(before, h.snapshot())
	if !slices.Equal(changed, []string{prefAccount + h.addr("Alice")}) {
		t.Fatalf("a failed transfer changed %v", changed)
	}
	a := h.account("Alice")
	if a.Balance != testFunds || a.Nonce != 1 || h.balance("Bob") != testFunds {
		t.Fatalf("after a failed transfer: Alice %+v, Bob %d", a, h.balance("Bob"))
	}
	// Spending everything is allowed; one more micro-USD is not.
	h.ok(h.transfer("Alice", "Bob", testFunds))
	h.fails(CodeInsufficientFund, h.transfer("Alice", "Bob", 1))
	if h.balance("Alice") != 0 {
		t.Fatalf("Alice has %d", h.balance("Alice"))
	}
}

func TestTransferFromUnknownAccount(t *testing.T) {
	h := newHarness(t)
	tx := h.transfer("Stranger", "Bob", 1)
	mustCode(t, "CheckTx", h.l.CheckTx(tx), CodeNotFound)
	before := h.snapshot()
	h.fails(CodeNotFound, tx)
	if d := diffKeys(before, h.snapshot()); len(d) != 0 {
		t.Fatalf("an unknown sender changed %v", d)
	}
}

func TestMintOnlyByBridgeOncePerRef(t *testing.T) {
	h := newHarness(t)
	h.fails(CodeUnauthorized, h.mint("Alice", "Alice", USD, "dot:0x01"))
	h.ok(h.mint("Bridge", "Bob", 5*USD, "dot:0x01"))
	if got := h.balance("Bob"); got != testFunds+5*USD {
		t.Fatalf("Bob has %d after a mint", got)
	}
	if s := h.supply(); s.Minted != 5*USD || s.Total() != int64(len(h.names))*testFunds+5*USD {
		t.Fatalf("supply %+v", s)
	}
	// The same deposit again, even to another account or in the same block
	// as a new one, is refused.
	res := h.block(h.mint("Bridge", "Charlie", 5*USD, "dot:0x01"), h.mint("Bridge", "Charlie", USD, "dot:0x02"),
		h.mint("Bridge", "Charlie", USD, "dot:0x02"))
	mustCode(t, "replayed ref", res[0], CodeConflict)
	mustCode(t, "new ref", res[1], CodeOK)
	mustCode(t, "ref replayed in its block", res[2], CodeConflict)
	if got := h.balance("Charlie"); got != testFunds+USD {
		t.Fatalf("Charlie has %d", got)
	}
	if s := h.supply(); s.Minted != 6*USD {
		t.Fatalf("minted %d", s.Minted)
	}
}

func TestMintWithoutBridgeRefused(t *testing.T) {
	h := newHarness(t)
	// A chain whose params name no bridge mints nothing, whoever asks.
	p := getParams(h.l.st)
	p.Bridge = ""
	g := genesisFor(t, h.names, p)
	g.Params.Bridge = ""
	l, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.InitChain(testChain, g); err != nil {
		t.Fatal(err)
	}
	h.l = l
	h.fails(CodeUnauthorized, h.mint("Bridge", "Bob", USD, "dot:0x01"))
}

func TestBurnReducesSupply(t *testing.T) {
	h := newHarness(t)
	total := h.supply().Total()
	h.ok(h.burn("Alice", 100*USD))
	if got := h.balance("Alice"); got != testFunds-100*USD {
		t.Fatalf("Alice has %d", got)
	}
	s := h.supply()
	if s.Burned != 100*USD || s.Total() != total-100*USD {
		t.Fatalf("supply after burn %+v", s)
	}
	before := h.snapshot()
	h.fails(CodeInsufficientFund, h.burn("Alice", testFunds))
	if d := diffKeys(before, h.snapshot()); !slices.Equal(d, []string{prefAccount + h.addr("Alice")}) {
		t.Fatalf("an overdrawn burn changed %v", d)
	}
	if h.supply() != s {
		t.Fatalf("an overdrawn burn changed the supply to %+v", h.supply())
	}
}

func TestFormatUSD(t *testing.T) {
	for v, want := range map[int64]string{0: "$0.000000", 1: "$0.000001", 1_500_000: "$1.500000", -2_000_001: "-$2.000001"} {
		if got := FormatUSD(v); got != want {
			t.Errorf("FormatUSD(%d) = %s, want %s", v, got, want)
		}
	}
}

// hasEvent reports whether r has an event of typ with key=value.
func hasEvent(r Result, typ, key, value string) bool {
	for _, e := range r.Events {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attrs {
			if a.Key == key && a.Value == value {
				return true
			}
		}
	}
	return false
}

// TestBridgeAccountExistsFromGenesis: a genesis that names a bridge but
// gives it nothing still lets it mint in the first block.
func TestBridgeAccountExistsFromGenesis(t *testing.T) {
	h := newHarness(t, withAccounts("Alice", "Bob"))
	if a := h.account("Bridge"); a.Address == "" || a.Balance != 0 {
		t.Fatalf("bridge account %+v", a)
	}
	h.ok(h.mint("Bridge", "Alice", USD, "dot:0x01"))
	if s := h.supply(); s.Genesis != 2*testFunds || s.Minted != USD {
		t.Fatalf("supply %+v", s)
	}
}
