package ledger

import (
	"slices"
	"strings"
	"testing"
)

// The deal invariants can fail: each corruption of a deal or its indexes
// is reported.
func TestCheckInvariantsDetectsDealCorruption(t *testing.T) {
	setup := func(t *testing.T) (*harness, string, string) {
		h, id := dealSetup(t, 30*USD, 5, 2*USD)
		h.ok(h.audit("Orch", id, 1, true, true, false))
		tx, closed := h.openDeal("Bob", "Orch", 5*USD, 2, 2)
		h.ok(tx)
		h.ok(h.closeDeal("Bob", closed))
		if r := h.l.CheckInvariants(); !r.OK() || r.Deals != 2 {
			t.Fatalf("before corruption: %+v", r)
		}
		return h, id, closed
	}
	edit := func(h *harness, id string, f func(*Deal)) {
		d := h.deal(id)
		f(&d)
		corrupt(h.l, prefDeal+id, d)
	}
	cases := []struct {
		name, want string
		do         func(h *harness, id, closed string)
	}{
		{"money from a deal", "supply not conserved", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.Balance--; d.Paid++ })
		}},
		{"deal accounts wrongly", "locked", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.Fee++ })
		}},
		{"closed deal holds money", "is closed but holds", func(h *harness, _, closed string) {
			edit(h, closed, func(d *Deal) { d.Balance, d.Refunded = 1, d.Refunded-1 })
		}},
		{"closed deal reopened", "supply not conserved", func(h *harness, _, closed string) {
			edit(h, closed, func(d *Deal) { d.State, d.Balance, d.Refunded = DealOpen, d.Refunded, 0 })
		}},
		{"deal owes more than it holds", "owes", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.Shards[0].PerPeriod = 20 * USD })
		}},
		{"period count past the deal", "reported 6 of 5", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.Audited = 6 })
		}},
		{"owner index lost", "missing from its owner's index", func(h *harness, id, _ string) {
			corrupt(h.l, dealOwnerKey(h.addr("Alice"), id), nil)
		}},
		{"provider index lost", "missing from provider", func(h *harness, id, _ string) {
			corrupt(h.l, dealProvKey(h.addr("P2"), id), nil)
		}},
		{"provider index to a stranger", "holds no shard of", func(h *harness, id, _ string) {
			corrupt(h.l, dealProvKey(h.addr("Dave"), id), id)
		}},
		{"index to a missing deal", "does not exist", func(h *harness, _, _ string) {
			corrupt(h.l, dealOwnerKey(h.addr("Eve"), "d-none"), "d-none")
		}},
		{"two live shards on one provider", "holds two live shards", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.Shards[1].Provider = d.Shards[0].Provider })
		}},
		{"unknown state", "unknown state", func(h *harness, id, _ string) {
			edit(h, id, func(d *Deal) { d.State = "paused" })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, id, closed := setup(t)
			c.do(h, id, closed)
			r := h.l.CheckInvariants()
			if r.OK() {
				t.Fatalf("the corruption went unnoticed: %+v", r)
			}
			if !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Fatalf("problems %q do not mention %q", r.Problems, c.want)
			}
		})
	}
}
