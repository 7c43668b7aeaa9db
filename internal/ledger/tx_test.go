package ledger

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// allMsgs is one valid message of every type, from the harness's view.
func allMsgs(h *harness) []Msg {
	return []Msg{
		&MsgTransfer{To: h.addr("Bob"), Amount: USD, Memo: "rent"},
		&MsgMint{To: h.addr("Alice"), Amount: 5 * USD, Ref: "dot:0xfeed"},
		&MsgBurn{Amount: USD, Dest: "polkadot:" + h.addr("Alice")},
		h.registerMsg("P1", 20*USD),
		&MsgUpdateProvider{AddStake: USD, PricePerCPUSecond: 3, MinPrice: 4, Capacity: Capacity{MilliCPU: 1000, GPUs: 1}},
		&MsgUnregister{},
		&MsgLock{Arbiter: h.addr("Orch"), Amount: 2 * USD, ExpiresIn: 10},
		&MsgAssign{Escrow: "e-0011", Job: "job-1"},
		&MsgExpire{Escrow: "e-0011"},
		&MsgSettle{Escrow: "e-0011", Job: "job-1", Outcome: OutcomeCompleted, Evidence: "root",
			Payouts: []Payout{h.pay("P1", "t1", USD)}, Faults: []Fault{{Peer: h.peerID("P2"), Task: "t2", Kind: FaultLost}}},
		&MsgOpenDeal{Arbiter: h.addr("Orch"), Amount: 30 * USD, Periods: 12, PeriodBlocks: 100},
		&MsgAssignDeal{Deal: "d-0011", Object: testObject, Size: 1 << 20, Shards: h.shardsOn(USD, "P1", "P2")},
		&MsgAuditDeal{Deal: "d-0011", Period: 1, Results: []AuditResult{{Index: 0, Pass: true}, {Index: 1, Pass: false}}, Evidence: "proofs"},
		&MsgReplaceShard{Deal: "d-0011", Index: 1, Provider: h.addr("P3"), Root: testRoot(1), PerPeriod: USD},
		&MsgCloseDeal{Deal: "d-0011"},
	}
}

func TestTxRoundTripEveryType(t *testing.T) {
	h := newHarness(t)
	seen := map[string]bool{}
	for i, m := range allMsgs(h) {
		b := h.sign("Alice", uint64(i), m)
		tx, err := DecodeTx(b)
		if err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		if tx.ChainID != testChain || tx.Nonce != uint64(i) || tx.From() != h.addr("Alice") || tx.Msg.Type() != m.Type() {
			t.Fatalf("%s decoded as %+v", m.Type(), tx)
		}
		if err := tx.VerifySignature(); err != nil {
			t.Fatalf("%s: %v", m.Type(), err)
		}
		again, err := encodeTx(tx)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%s does not re-encode to its bytes (%v)", m.Type(), err)
		}
		if want := fmt.Sprintf("%X", sha256.Sum256(b)); tx.Hash() != want {
			t.Fatalf("hash %s, want %s", tx.Hash(), want)
		}
		want, _ := marshal(m)
		got, _ := marshal(tx.Msg)
		if !bytes.Equal(got, want) {
			t.Fatalf("%s payload %s, want %s", m.Type(), got, want)
		}
		seen[m.Type()] = true
	}
	if len(seen) != len(msgTypes) {
		t.Fatalf("tested %d of %d message types", len(seen), len(msgTypes))
	}
}

// badTx is a transaction every check must refuse with code.
type badTx struct {
	name string
	raw  []byte
	code Code
}

// badTxs are refused transactions from Alice: each is signed correctly
// unless the signature is what is wrong, so only the defect named causes
// the refusal.
func badTxs(h *harness) []badTx {
	alice := h.acct("Alice")
	n := h.account("Alice").Nonce
	to := h.addr("Bob")
	good := h.sign("Alice", n, &MsgTransfer{To: to, Amount: USD, Memo: "hello"})
	payload := func(s string) []byte { return []byte(s) }
	canon := fmt.Sprintf(`{"to":"%s","amount":1000000}`, to)
	signed := func(typ, p string) []byte { return rawTx(alice, testChain, n, typ, payload(p)) }
	flip := func(b []byte, i int, bit byte) []byte { b = slices.Clone(b); b[i] ^= bit; return b }
	memo := bytes.Index(good, []byte("hello"))
	nonceAt := 1 + 1 + len(testChain) + 32
	var out []badTx
	add := func(name string, raw []byte, c Code) { out = append(out, badTx{name, raw, c}) }

	sigless := slices.Clone(good)
	clear(sigless[len(sigless)-sigLen:])
	add("unsigned (zero signature)", sigless, CodeBadSignature)
	add("signature bit flipped", flip(good, len(good)-10, 0x01), CodeBadSignature)
	add("signature first bit flipped", flip(good, len(good)-sigLen, 0x80), CodeBadSignature)
	add("memo bit flipped", flip(good, memo, 0x01), CodeBadSignature)
	add("nonce bit flipped", flip(good, nonceAt+7, 0x01), CodeBadSignature)
	add("sender bit flipped", flip(good, nonceAt-5, 0x04), CodeBadSignature)
	wrongSigner := rawTx(h.acct("Bob"), testChain, n, TypeTransfer, payload(canon))
	copy(wrongSigner[2+len(testChain):], func() []byte { k := alice.PublicKey(); return k[:] }())
	add("signed by another key", wrongSigner, CodeBadSignature)
	other := h.acct("Alice")
	add("wrong chain", rawTx(other, "opensky-other", n, TypeTransfer, payload(canon)), CodeWrongChain)
	add("chain ID with a space", rawTx(other, "opensky test", n, TypeTransfer, payload(canon)), CodeMalformed)

	add("empty", nil, CodeMalformed)
	add("version only", []byte{txVersion}, CodeMalformed)
	add("wrong version", flip(good, 0, 0x03), CodeMalformed)
	add("truncated by one byte", good[:len(good)-1], CodeMalformed)
	add("truncated to half", good[:len(good)/2], CodeMalformed)
	add("no signature", good[:len(good)-sigLen], CodeMalformed)
	add("one trailing byte", append(slices.Clone(good), 0), CodeMalformed)
	add("a second signature", append(slices.Clone(good), good[len(good)-sigLen:]...), CodeMalformed)
	nonMinimal := slices.Concat([]byte{txVersion, byte(len(testChain)) | 0x80, 0}, good[2:])
	add("non-minimal length", nonMinimal, CodeMalformed)
	huge := slices.Concat([]byte{txVersion}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, good[2:])
	add("length overflow", huge, CodeMalformed)

	add("space after colon", signed(TypeTransfer, fmt.Sprintf(`{"to": "%s","amount":1000000}`, to)), CodeMalformed)
	add("space before brace", signed(TypeTransfer, " "+canon), CodeMalformed)
	add("trailing newline", signed(TypeTransfer, canon+"\n"), CodeMalformed)
	add("reordered fields", signed(TypeTransfer, fmt.Sprintf(`{"amount":1000000,"to":"%s"}`, to)), CodeMalformed)
	add("unknown field", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1000000,"fee":0}`, to)), CodeMalformed)
	add("upper-case key", signed(TypeTransfer, fmt.Sprintf(`{"To":"%s","amount":1000000}`, to)), CodeMalformed)
	add("duplicate key", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1,"amount":1000000}`, to)), CodeMalformed)
	add("empty omitted field", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1000000,"memo":""}`, to)), CodeMalformed)
	add("exponent amount", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1e6}`, to)), CodeMalformed)
	add("leading zero", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":01000000}`, to)), CodeMalformed)
	add("escaped character", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1000000,"memo":"\u0068i"}`, to)), CodeMalformed)
	add("two objects", signed(TypeTransfer, canon+canon), CodeMalformed)
	add("not JSON", signed(TypeTransfer, "to=bob"), CodeMalformed)
	add("null payload", signed(TypeTransfer, "null"), CodeMalformed)
	add("unknown type", signed("bank/steal", canon), CodeMalformed)
	add("empty type", signed("", canon), CodeMalformed)
	add("type too long", signed(strings.Repeat("x", maxTypeLen+1), canon), CodeMalformed)
	add("oversized", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":1000000,"memo":"%s"}`, to, strings.Repeat("a", MaxTxBytes))), CodeMalformed)

	add("zero amount", signed(TypeTransfer, fmt.Sprintf(`{"to":"%s","amount":0}`, to)), CodeInvalid)
	add("bad recipient", signed(TypeTransfer, `{"to":"5GrwvaEF","amount":1}`), CodeInvalid)
	add("future nonce", h.sign("Alice", n+1, &MsgTransfer{To: to, Amount: USD}), CodeBadNonce)
	if n > 0 {
		add("past nonce", h.sign("Alice", n-1, &MsgTransfer{To: to, Amount: USD}), CodeBadNonce)
	}
	return out
}

// TestRejectedTxChangesNothing feeds every bad transaction to CheckTx and,
// in a block of its own, to DeliverTx, and compares the state with a twin
// ledger that applied an empty block instead.
func TestRejectedTxChangesNothing(t *testing.T) {
	h := newHarness(t)
	twin := newHarness(t)
	// Give Alice a past nonce, on both ledgers with the same bytes.
	tx := h.transfer("Alice", "Bob", USD)
	h.ok(tx)
	twin.ok(tx)
	for _, bt := range badTxs(h) {
		t.Run(bt.name, func(t *testing.T) {
			if len(bt.raw) > MaxTxBytes && bt.name != "oversized" {
				t.Fatalf("%d bytes", len(bt.raw))
			}
			if bt.name == "oversized" && len(bt.raw) <= MaxTxBytes {
				t.Fatalf("only %d bytes", len(bt.raw))
			}
			before, hash := h.snapshot(), h.l.AppHash()
			mustCode(t, "CheckTx", h.l.CheckTx(bt.raw), bt.code)
			mustCode(t, "CheckTx again", h.l.CheckTx(bt.raw), bt.code)
			if d := diffKeys(before, h.snapshot()); len(d) != 0 || !bytes.Equal(hash, h.l.AppHash()) {
				t.Fatalf("CheckTx changed %v", d)
			}
			r := h.block(bt.raw)[0]
			mustCode(t, "DeliverTx", r, bt.code)
			twin.block()
			if d := diffKeys(before, h.snapshot()); len(d) != 0 {
				t.Fatalf("DeliverTx changed %v", d)
			}
			if !bytes.Equal(h.l.AppHash(), twin.l.AppHash()) {
				t.Fatal("the app hash differs from an empty block's")
			}
			if len(r.Events) != 0 || len(r.Data) != 0 {
				t.Fatalf("a rejected tx returned %+v", r)
			}
		})
	}
	// The good transaction those were made from still applies.
	h.ok(h.sign("Alice", h.account("Alice").Nonce, &MsgTransfer{To: h.addr("Bob"), Amount: USD, Memo: "hello"}))
}

func TestNewTxRefusesOversized(t *testing.T) {
	h := newHarness(t)
	m := &MsgSettle{Escrow: "e", Job: "j", Outcome: OutcomeCompleted}
	for i := range MaxPayouts {
		m.Payouts = append(m.Payouts, Payout{Peer: h.peerID("P1"), Task: fmt.Sprintf("task-%04d", i), Amount: 1})
	}
	if _, err := NewTx(h.acct("Orch"), testChain, 0, m); CodeOf(err) != CodeMalformed {
		t.Fatalf("a %d-payout settle: %v", MaxPayouts, err)
	}
	if _, err := NewTx(h.acct("Orch"), strings.Repeat("c", MaxChainIDLen+1), 0, &MsgUnregister{}); CodeOf(err) != CodeMalformed {
		t.Fatalf("long chain ID: %v", err)
	}
}

// A transaction that is authentic and in order but fails uses its nonce,
// so it cannot be replayed later, and changes nothing else.
func TestFailedAuthenticTxOnlyBumpsNonce(t *testing.T) {
	h := newHarness(t)
	failures := [][]byte{
		h.transfer("Alice", "Bob", testFunds+1),
		h.mint("Alice", "Alice", USD, "x"),
		h.assign("Alice", "e-missing", "j"),
		h.unregister("Alice"),
		h.settle("Alice", &MsgSettle{Escrow: "e-missing", Job: "j", Outcome: OutcomeCompleted}),
	}
	for i, tx := range failures {
		before := h.snapshot()
		a := h.account("Alice")
		r := h.block(tx)[0]
		if r.Code == CodeOK {
			t.Fatalf("failure %d succeeded", i)
		}
		key := prefAccount + h.addr("Alice")
		if d := diffKeys(before, h.snapshot()); !slices.Equal(d, []string{key}) {
			t.Fatalf("failure %d (%v) changed %v", i, r.Code, d)
		}
		if got := h.account("Alice"); got.Nonce != a.Nonce+1 || got.Balance != a.Balance {
			t.Fatalf("failure %d: account %+v, was %+v", i, got, a)
		}
		h.fails(CodeBadNonce, tx)
	}
}

func TestReplayRefused(t *testing.T) {
	h := newHarness(t)
	tx := h.transfer("Alice", "Bob", USD)
	// In one block: the second copy is a replay.
	res := h.block(tx, tx)
	mustCode(t, "first", res[0], CodeOK)
	mustCode(t, "replay in the block", res[1], CodeBadNonce)
	if h.balance("Bob") != testFunds+USD {
		t.Fatalf("Bob has %d", h.balance("Bob"))
	}
	// Across blocks, and through CheckTx.
	mustCode(t, "CheckTx replay", h.l.CheckTx(tx), CodeBadNonce)
	before := h.snapshot()
	h.fails(CodeBadNonce, tx)
	if d := diffKeys(before, h.snapshot()); len(d) != 0 {
		t.Fatalf("a replay changed %v", d)
	}
	// A different transaction with the used nonce is a replay too.
	h.fails(CodeBadNonce, h.sign("Alice", 0, &MsgTransfer{To: h.addr("Charlie"), Amount: 1}))
	// Re-signing gives other bytes (sr25519 signatures are randomized) but
	// the same nonce: still refused.
	again := h.sign("Alice", 0, &MsgTransfer{To: h.addr("Bob"), Amount: USD})
	if bytes.Equal(again, tx) {
		t.Fatal("signatures are expected to be randomized")
	}
	h.fails(CodeBadNonce, again)
	if h.balance("Bob") != testFunds+USD || h.account("Alice").Nonce != 1 {
		t.Fatalf("Bob %d, Alice %+v", h.balance("Bob"), h.account("Alice"))
	}
}

func TestCheckTxPendingNonces(t *testing.T) {
	h := newHarness(t)
	before, hash := h.snapshot(), h.l.AppHash()
	t0 := h.transfer("Alice", "Bob", USD)
	t1 := h.transfer("Alice", "Bob", 2*USD)
	t3 := h.sign("Alice", 3, &MsgTransfer{To: h.addr("Bob"), Amount: USD})
	mustCode(t, "nonce 0", h.l.CheckTx(t0), CodeOK)
	mustCode(t, "nonce 1 while 0 is pending", h.l.CheckTx(t1), CodeOK)
	mustCode(t, "nonce 0 again", h.l.CheckTx(t0), CodeBadNonce)
	mustCode(t, "a gap", h.l.CheckTx(t3), CodeBadNonce)
	// A transaction CheckTx refuses does not take nonce 2.
	mustCode(t, "overdraft", h.l.CheckTx(h.sign("Alice", 2, &MsgTransfer{To: h.addr("Bob"), Amount: testFunds})), CodeInsufficientFund)
	// CheckTx sees pending balances: only 997 USD are left.
	mustCode(t, "overdraft after pending", h.l.CheckTx(h.sign("Alice", 2, &MsgTransfer{To: h.addr("Bob"), Amount: testFunds - 2*USD})), CodeInsufficientFund)
	t2 := h.sign("Alice", 2, &MsgTransfer{To: h.addr("Bob"), Amount: USD})
	mustCode(t, "nonce 2", h.l.CheckTx(t2), CodeOK)
	if d := diffKeys(before, h.snapshot()); len(d) != 0 || !bytes.Equal(hash, h.l.AppHash()) {
		t.Fatalf("CheckTx changed the committed state: %v", d)
	}
	// The block applies them in order; afterwards CheckTx starts from the
	// committed state.
	h.ok(t0, t1, t2)
	if h.balance("Bob") != testFunds+4*USD {
		t.Fatalf("Bob has %d", h.balance("Bob"))
	}
	mustCode(t, "committed nonce", h.l.CheckTx(t2), CodeBadNonce)
	mustCode(t, "next nonce", h.l.CheckTx(t3), CodeOK)
}

// A block may not include what CheckTx admitted (another proposer's block
// wins): after the commit CheckTx forgets its pending view.
func TestCheckTxResetsOnCommit(t *testing.T) {
	h := newHarness(t)
	t0 := h.transfer("Alice", "Bob", USD)
	mustCode(t, "CheckTx", h.l.CheckTx(t0), CodeOK)
	h.block()
	mustCode(t, "CheckTx after an empty block", h.l.CheckTx(t0), CodeOK)
	h.ok(t0)
}

func TestBlockLifecycleErrors(t *testing.T) {
	h := newHarness(t)
	if r := h.l.DeliverTx(h.transfer("Alice", "Bob", 1)); r.Code != CodeInternal {
		t.Fatalf("DeliverTx outside a block: %+v", r)
	}
	if _, err := h.l.EndBlock(); err == nil {
		t.Fatal("EndBlock outside a block")
	}
	if err := h.l.Commit(); err == nil {
		t.Fatal("Commit of nothing")
	}
	if err := h.l.BeginBlock(2); err == nil {
		t.Fatal("BeginBlock skipped a height")
	}
	if err := h.l.BeginBlock(1); err != nil {
		t.Fatal(err)
	}
	if _, err := h.l.EndBlock(); err != nil {
		t.Fatal(err)
	}
	if err := h.l.BeginBlock(2); err == nil {
		t.Fatal("BeginBlock before Commit")
	}
	if err := h.l.Commit(); err != nil {
		t.Fatal(err)
	}
	if h.l.Height() != 1 {
		t.Fatalf("height %d", h.l.Height())
	}
	if _, err := h.l.InitChain("another-chain", h.genesis); err == nil {
		t.Fatal("InitChain with another chain ID on an initialized state")
	}
	if hash, err := h.l.InitChain(testChain, h.genesis); err != nil || !bytes.Equal(hash, h.l.AppHash()) {
		t.Fatalf("InitChain again: %v", err)
	}
}

func TestCodeOfAndSentinels(t *testing.T) {
	err := txErr(CodeBadNonce, "nonce %d", 3)
	if CodeOf(err) != CodeBadNonce || CodeOf(nil) != CodeOK || CodeOf(fmt.Errorf("x")) != CodeInternal {
		t.Fatal("CodeOf")
	}
	if !errorsIs(fmt.Errorf("wrapped: %w", err), ErrBadNonce) || errorsIs(err, ErrMalformed) {
		t.Fatal("errors.Is by code")
	}
	if r := resultOf(err); r.Code != CodeBadNonce || r.Err() == nil || (Result{}).Err() != nil {
		t.Fatalf("%+v", r)
	}
	if Code(77).String() != "code_77" || CodeOverflow.String() != "overflow" {
		t.Fatal("Code.String")
	}
}
