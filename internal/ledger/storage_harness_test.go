package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

// testObject is a CIDv1 in base32, as the storage layer names objects.
const testObject = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

// testRoot is a shard root, distinct for each i.
func testRoot(i int) string {
	h := sha256.Sum256([]byte(fmt.Sprint("opensky/ledger-test/root/", i)))
	return hex.EncodeToString(h[:])
}

// openDeal builds a deal's opening and returns the ID the deal will have.
func (h *harness) openDeal(owner, arbiter string, amount, periods, periodBlocks int64) ([]byte, string) {
	n := h.nonce[owner]
	tx := h.next(owner, &MsgOpenDeal{Arbiter: h.addr(arbiter), Amount: amount, Periods: periods, PeriodBlocks: periodBlocks})
	return tx, DealID(h.acct(owner).PublicKey(), n)
}

// shardsOn assigns shard i to provider names[i], each paid perPeriod.
func (h *harness) shardsOn(perPeriod int64, names ...string) []ShardAssignment {
	out := make([]ShardAssignment, len(names))
	for i, n := range names {
		out[i] = ShardAssignment{Index: i, Provider: h.addr(n), Root: testRoot(i), PerPeriod: perPeriod}
	}
	return out
}

func (h *harness) assignDeal(arbiter, deal string, shards []ShardAssignment) []byte {
	return h.next(arbiter, &MsgAssignDeal{Deal: deal, Object: testObject, Size: 1 << 20, Shards: shards})
}

// audit reports period with pass[i] as shard i's result.
func (h *harness) audit(arbiter, deal string, period int64, pass ...bool) []byte {
	m := &MsgAuditDeal{Deal: deal, Period: period, Evidence: fmt.Sprint("proofs-", period)}
	for i, p := range pass {
		m.Results = append(m.Results, AuditResult{Index: i, Pass: p})
	}
	return h.next(arbiter, m)
}

func (h *harness) auditMsg(arbiter string, m *MsgAuditDeal) []byte { return h.next(arbiter, m) }

func (h *harness) replaceShard(arbiter, deal string, index int, provider string, perPeriod int64) []byte {
	return h.next(arbiter, &MsgReplaceShard{Deal: deal, Index: index, Provider: h.addr(provider), Root: testRoot(100 + index), PerPeriod: perPeriod})
}

func (h *harness) closeDeal(who, deal string) []byte { return h.next(who, &MsgCloseDeal{Deal: deal}) }

func (h *harness) deal(id string) Deal {
	h.t.Helper()
	d, ok := getDeal(h.l.st, id)
	if !ok {
		h.t.Fatalf("no deal %s", id)
	}
	return d
}

// untilHeight applies empty blocks until the next block is at height.
func (h *harness) untilHeight(height int64) {
	h.t.Helper()
	for h.l.Height() < height-1 {
		h.block()
	}
}

// unchanged applies tx alone in a block, wants it refused with code and
// checks that only the sender's nonce changed.
func (h *harness) unchanged(t *testing.T, what string, want Code, sender string, tx []byte) Result {
	t.Helper()
	before := h.snapshot()
	r := h.block(tx)[0]
	mustCode(t, what, r, want)
	if d := diffKeys(before, h.snapshot()); len(d) != 1 || d[0] != prefAccount+h.addr(sender) {
		t.Fatalf("%s: a refused transaction changed %v", what, d)
	}
	return r
}

// dealSetup registers P1..P3 with 100 USD of stake and opens a deal of
// amount from Alice, arbitrated by Orch, of periods periods of 5 blocks,
// assigned to P1..P3 at perPeriod each.
func dealSetup(t *testing.T, amount, periods, perPeriod int64) (*harness, string) {
	t.Helper()
	return dealSetupBlocks(t, amount, periods, 5, perPeriod)
}

// dealSetupBlocks is dealSetup with periods of periodBlocks blocks.
func dealSetupBlocks(t *testing.T, amount, periods, periodBlocks, perPeriod int64) (*harness, string) {
	t.Helper()
	h := newHarness(t)
	h.ok(h.register("P1", 100*USD), h.register("P2", 100*USD), h.register("P3", 100*USD))
	tx, id := h.openDeal("Alice", "Orch", amount, periods, periodBlocks)
	h.ok(tx, h.assignDeal("Orch", id, h.shardsOn(perPeriod, "P1", "P2", "P3")))
	return h, id
}
