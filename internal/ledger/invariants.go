package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// Report is the result of checking the chain's invariants on its
// committed state.
type Report struct {
	Height int64 `json:"height"`
	// Held is everything the state holds: balances, escrows, storage
	// deals, stakes and the treasury. It must equal Supply.
	Held     int64    `json:"held"`
	Supply   int64    `json:"supply"`
	Accounts int      `json:"accounts"`
	Escrows  int      `json:"escrows"`
	Settled  int      `json:"settled"`
	Deals    int      `json:"deals"`
	Problems []string `json:"problems"`
}

// OK reports whether every invariant holds.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// CheckInvariants verifies on the committed state that supply is
// conserved, nothing is negative, every closed escrow paid out exactly
// what it held, every storage deal accounts for what it locked and can
// pay what it still owes, and the job, peer and deal indexes agree with
// their records.
func (l *Ledger) CheckInvariants() Report {
	l.st.mu.RLock()
	defer l.st.mu.RUnlock()
	return checkInvariants(l.st.data, l.st.height)
}

func checkInvariants(data map[string][]byte, height int64) Report {
	r := Report{Height: height, Problems: []string{}}
	bad := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }
	m := mapKV(data)
	var held int64
	add := func(what string, v int64) {
		if v < 0 {
			bad("%s is negative: %d", what, v)
		}
		held += v
	}
	for k := range data {
		switch {
		case strings.HasPrefix(k, prefAccount):
			a, _ := getAccount(m, strings.TrimPrefix(k, prefAccount))
			r.Accounts++
			add("balance of "+a.Address, a.Balance)
		case strings.HasPrefix(k, prefProvider):
			p, _ := getProvider(m, strings.TrimPrefix(k, prefProvider))
			add("stake of "+p.Address, p.Stake)
			add("unbonding stake of "+p.Address, p.Unbonding)
			var owner string
			if !read(m, prefPeer+p.PeerID, &owner) || owner != p.Address {
				bad("provider %s: peer %s does not point back to it", p.Address, p.PeerID)
			}
		case strings.HasPrefix(k, prefEscrow):
			e, _ := getEscrow(m, strings.TrimPrefix(k, prefEscrow))
			r.Escrows++
			if e.Amount <= 0 {
				bad("escrow %s holds %d", e.ID, e.Amount)
			}
			if e.Holds() {
				add("escrow "+e.ID, e.Amount)
			} else {
				r.Settled++
				if e.Paid+e.Fee+e.Refunded != e.Amount || e.Paid < 0 || e.Fee < 0 || e.Refunded < 0 {
					bad("escrow %s held %d but paid %d + fee %d + refunded %d", e.ID, e.Amount, e.Paid, e.Fee, e.Refunded)
				}
			}
			if e.Job != "" {
				var id string
				if !read(m, jobKey(e.Arbiter, e.Job), &id) || id != e.ID {
					bad("escrow %s pays for job %s, whose index points to %q", e.ID, e.Job, id)
				}
			}
		case strings.HasPrefix(k, prefDeal):
			d, _ := getDeal(m, strings.TrimPrefix(k, prefDeal))
			r.Deals++
			add("deal "+d.ID, checkDeal(m, d, bad))
		case strings.HasPrefix(k, prefDealOwner), strings.HasPrefix(k, prefDealProv):
			checkDealIndex(m, k, bad)
		case strings.HasPrefix(k, prefJob):
			var id string
			read(m, k, &id)
			if e, ok := getEscrow(m, id); !ok || jobKey(e.Arbiter, e.Job) != k {
				bad("%s points to escrow %s, which does not pay for it", k, id)
			}
		}
	}
	add("treasury", getTreasury(m).Balance)
	r.Held, r.Supply = held, getSupply(m).Total()
	if r.Held != r.Supply {
		bad("supply not conserved: the state holds %d, genesis + minted - burned is %d", r.Held, r.Supply)
	}
	return r
}

// mapKV reads a plain map as state.
type mapKV map[string][]byte

func (m mapKV) get(k string) ([]byte, bool) { v, ok := m[k]; return v, ok }

// keys returns the keys under prefix, sorted.
func (m mapKV) keys(prefix string) []string {
	var out []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
func (m mapKV) set(string, []byte) { panic("ledger: read-only state") }
func (m mapKV) del(string)         { panic("ledger: read-only state") }
