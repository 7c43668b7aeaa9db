package ledger

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var writeFuzzSeeds = flag.Bool("write-fuzz-seeds", false, "rewrite the seed corpora under testdata/fuzz")

// fuzzSeeds are real transactions of every type for the default harness
// genesis, in an order in which they apply, and a few broken ones. File
// names sort in that order.
func fuzzSeeds(h *harness) map[string][]byte {
	lock, id := h.lock("Charlie", "Orch", 5*USD, 10)
	p2, p3 := h.register("P2", 20*USD), h.register("P3", 20*USD)
	open, deal := h.openDeal("Eve", "Orch", 10*USD, 12, 100)
	valid := [][2]any{
		{"transfer", h.next("Alice", &MsgTransfer{To: h.addr("Bob"), Amount: USD, Memo: "seed"})},
		{"mint", h.mint("Bridge", "Eve", 3*USD, "dot:0xseed")},
		{"burn", h.burn("Bob", USD)},
		{"register", h.register("P1", 20*USD)},
		{"update", h.update("P1", USD)},
		{"lock", lock},
		{"assign", h.assign("Orch", id, "job-seed")},
		{"settle", h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-seed", Outcome: OutcomeCompleted, Evidence: "root",
			Payouts: []Payout{h.pay("P1", "t1", USD)}, Faults: []Fault{{Peer: h.peerID("P1"), Task: "t2", Kind: FaultLost}}})},
		{"expire", h.expire("Dave", id)},
		{"unregister", h.unregister("P1")},
		{"register", p2},
		{"register", p3},
		{"storage-open", open},
		{"storage-assign", h.assignDeal("Orch", deal, h.shardsOn(USD/2, "P2"))},
		{"storage-audit", h.audit("Orch", deal, 1, true)},
		{"storage-replace", h.replaceShard("Orch", deal, 0, "P3", USD/2)},
		{"storage-close", h.closeDeal("Eve", deal)},
	}
	out := map[string][]byte{}
	for i, v := range valid {
		out[fmt.Sprintf("%02d-%s", i, v[0])] = v[1].([]byte)
	}
	t := out["00-transfer"]
	out["90-truncated"] = t[:len(t)-1]
	out["91-trailing"] = append(slices.Clone(t), 0)
	out["92-noncanonical"] = rawTx(h.acct("Alice"), testChain, 1, TypeTransfer,
		[]byte(fmt.Sprintf(`{"to": "%s","amount":1}`, h.addr("Bob"))))
	out["93-badsig"] = func() []byte { b := slices.Clone(t); b[len(b)-5] ^= 1; return b }()
	return out
}

func fuzzCorpusFile(b []byte) []byte { return fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b) }

// parseCorpusFile reads a one-[]byte corpus file.
func parseCorpusFile(t *testing.T, data []byte) []byte {
	t.Helper()
	lines := strings.SplitN(string(data), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
		t.Fatalf("not a corpus file: %q", data)
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		t.Fatal(err)
	}
	return []byte(s)
}

// TestFuzzSeeds checks the seed corpora: every seed is there and the
// valid ones still decode and verify. With -write-fuzz-seeds it rewrites
// them.
func TestFuzzSeeds(t *testing.T) {
	h := newHarness(t)
	seeds := fuzzSeeds(h)
	for _, target := range []string{"FuzzDecodeTx", "FuzzCheckTx"} {
		dir := filepath.Join("testdata", "fuzz", target)
		if *writeFuzzSeeds {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, b := range seeds {
				if err := os.WriteFile(filepath.Join(dir, name), fuzzCorpusFile(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(seeds)) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("%v (run go test -run TestFuzzSeeds -write-fuzz-seeds)", err)
			}
			b := parseCorpusFile(t, data)
			if name >= "90" {
				continue
			}
			tx, err := DecodeTx(b)
			if err != nil {
				t.Fatalf("%s/%s: %v", target, name, err)
			}
			if err := tx.VerifySignature(); err != nil || tx.ChainID != testChain {
				t.Fatalf("%s/%s: %v", target, name, err)
			}
		}
	}
	// In order, the valid seeds apply to the harness genesis.
	h2 := newHarness(t)
	var valid [][]byte
	var names []string
	for _, name := range slices.Sorted(maps.Keys(seeds)) {
		if name < "90" {
			data, _ := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzCheckTx", name))
			valid = append(valid, parseCorpusFile(t, data))
			names = append(names, name)
		}
	}
	res := h2.block(valid...)
	for i, r := range res {
		want := CodeOK
		if strings.HasSuffix(names[i], "-expire") { // its escrow was settled
			want = CodeConflict
		}
		mustCode(t, "seed "+names[i], r, want)
	}
}

func FuzzDecodeTx(f *testing.F) {
	h := newHarness(f)
	for _, b := range fuzzSeeds(h) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := slices.Clone(b)
		tx, err := DecodeTx(b)
		if !bytes.Equal(in, b) {
			t.Fatal("DecodeTx modified its input")
		}
		tx2, err2 := DecodeTx(b)
		if (err == nil) != (err2 == nil) || CodeOf(err) != CodeOf(err2) {
			t.Fatalf("DecodeTx is not deterministic: %v then %v", err, err2)
		}
		if err != nil {
			if tx != nil {
				t.Fatal("a transaction and an error")
			}
			if c := CodeOf(err); c != CodeMalformed && c != CodeInvalid {
				t.Fatalf("decode error with code %v: %v", c, err)
			}
			return
		}
		if len(b) > MaxTxBytes {
			t.Fatalf("accepted %d bytes", len(b))
		}
		if err := validChainID(tx.ChainID); err != nil {
			t.Fatal(err)
		}
		if err := tx.Msg.validate(); err != nil {
			t.Fatalf("accepted a message that fails its checks: %v", err)
		}
		enc, err := encodeTx(tx)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, b) {
			t.Fatalf("decoded transaction re-encodes differently:\n in %q\nout %q", b, enc)
		}
		if !reflect.DeepEqual(tx, tx2) {
			t.Fatalf("two decodings differ: %+v %+v", tx, tx2)
		}
		if tx.Hash() != fmt.Sprintf("%X", sha256.Sum256(b)) {
			t.Fatal("hash")
		}
	})
}

// stateDigest hashes the committed state, height and app hash.
func stateDigest(l *Ledger) [32]byte {
	l.st.mu.RLock()
	defer l.st.mu.RUnlock()
	h := sha256.New()
	fmt.Fprintf(h, "%d %x\n", l.st.height, l.st.appHash)
	for _, k := range slices.Sorted(maps.Keys(l.st.data)) {
		fmt.Fprintf(h, "%q=%q\n", k, l.st.data[k])
	}
	return [32]byte(h.Sum(nil))
}

func FuzzCheckTx(f *testing.F) {
	h := newHarness(f)
	for _, b := range fuzzSeeds(h) {
		f.Add(b)
	}
	// A committed block, so that the state is more than genesis.
	h2 := newHarness(f)
	h2.l = h.l
	h.ok(h2.transfer("Eve", "Alice", USD))
	digest := stateDigest(h.l)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := h.l.CheckTx(b)
		if stateDigest(h.l) != digest {
			t.Fatal("CheckTx changed the committed state")
		}
		if r.Code == CodeInternal {
			t.Fatalf("internal error: %s", r.Log)
		}
		if _, ok := codeNames[r.Code]; !ok {
			t.Fatalf("unknown code %d", r.Code)
		}
		authentic := false
		if tx, err := DecodeTx(b); err == nil && tx.ChainID == testChain && tx.VerifySignature() == nil {
			authentic = true
		}
		if r.Code == CodeOK && !authentic {
			t.Fatalf("accepted a transaction that is not validly signed: %q", b)
		}
		if r.Code == CodeOK && len(r.Events) == 0 {
			t.Fatalf("an accepted transaction without events: %+v", r)
		}
	})
}
