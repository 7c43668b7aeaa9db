package ledger

import (
	"slices"
	"strings"
)

// checkDeal checks one deal's record and its indexes; it returns what
// the deal holds toward the supply.
func checkDeal(m mapKV, d Deal, bad func(string, ...any)) int64 {
	if d.Amount <= 0 {
		bad("deal %s holds %d", d.ID, d.Amount)
	}
	for _, v := range []struct {
		n string
		v int64
	}{{"balance", d.Balance}, {"paid", d.Paid}, {"fee", d.Fee}, {"refunded", d.Refunded}, {"slashed", d.Slashed}} {
		if v.v < 0 {
			bad("deal %s: %s is negative: %d", d.ID, v.n, v.v)
		}
	}
	if d.Balance+d.Paid+d.Fee+d.Refunded != d.Amount {
		bad("deal %s locked %d but holds %d + paid %d + fee %d + refunded %d", d.ID, d.Amount, d.Balance, d.Paid, d.Fee, d.Refunded)
	}
	switch d.State {
	case DealOpen:
		if len(d.Shards) != 0 || d.Audited != 0 || d.Paid != 0 || d.Fee != 0 {
			bad("deal %s is open (unassigned) but has shards or audits", d.ID)
		}
	case DealActive:
	case DealClosed:
		if d.Balance != 0 {
			bad("deal %s is closed but holds %d", d.ID, d.Balance)
		}
	default:
		bad("deal %s is in unknown state %q", d.ID, d.State)
	}
	if d.Audited < 0 || d.Audited > d.Periods {
		bad("deal %s reported %d of %d periods", d.ID, d.Audited, d.Periods)
	}
	if d.State == DealActive && !d.covers(d.PerPeriod()) {
		bad("deal %s owes %d per period for %d periods but holds %d", d.ID, d.PerPeriod(), d.Remaining(), d.Balance)
	}
	var id string
	if !read(m, dealOwnerKey(d.Owner, d.ID), &id) || id != d.ID {
		bad("deal %s is missing from its owner's index", d.ID)
	}
	live, indices := map[string]bool{}, map[int]bool{}
	for _, s := range d.Shards {
		if indices[s.Index] {
			bad("deal %s has shard %d twice", d.ID, s.Index)
		}
		indices[s.Index] = true
		if s.State == ShardLive {
			if live[s.Provider] {
				bad("deal %s: %s holds two live shards", d.ID, s.Provider)
			}
			live[s.Provider] = true
		} else if s.State != ShardLost {
			bad("deal %s: shard %d is in unknown state %q", d.ID, s.Index, s.State)
		}
		if !read(m, dealProvKey(s.Provider, d.ID), &id) || id != d.ID {
			bad("deal %s is missing from provider %s's index", d.ID, s.Provider)
		}
	}
	if d.Holds() {
		return d.Balance
	}
	return 0
}

// checkDealIndex checks that an index entry names a deal that has its
// owner or provider.
func checkDealIndex(m mapKV, key string, bad func(string, ...any)) {
	var id string
	read(m, key, &id)
	d, ok := getDeal(m, id)
	switch {
	case !ok:
		bad("%s points to deal %s, which does not exist", key, id)
	case strings.HasPrefix(key, prefDealOwner):
		if dealOwnerKey(d.Owner, d.ID) != key {
			bad("%s points to deal %s, whose owner is %s", key, id, d.Owner)
		}
	case !slices.ContainsFunc(d.Shards, func(s DealShard) bool { return dealProvKey(s.Provider, d.ID) == key }):
		bad("%s points to deal %s, which it holds no shard of", key, id)
	}
}
