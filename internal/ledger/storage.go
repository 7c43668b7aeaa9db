package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// Deal states. Open and active hold money; closed holds none.
const (
	DealOpen   = "open"   // locked, no shards assigned yet
	DealActive = "active" // shards assigned: audits pay them
	DealClosed = "closed" // the rest refunded; nothing more happens
)

// Deal outcomes, recorded when a deal closes.
const (
	// DealRemoved: the owner ended the deal before its end height.
	DealRemoved = "removed"
	// DealCancelled: the arbiter ended the deal before its end height.
	DealCancelled = "cancelled"
	// DealEnded: the deal was closed at or after its end height.
	DealEnded = "ended"
)

// Shard states within a deal.
const (
	ShardLive = "live" // audited and paid
	ShardLost = "lost" // failed StorageFailLimit audits in a row: no longer paid
)

// StorageFailLimit is how many audits in a row a shard may fail before
// it is declared lost and its provider slashed.
const StorageFailLimit = 3

// Bounds of a storage deal.
const (
	// MaxDealShards bounds a deal's shards: one object's k+m.
	MaxDealShards = 64
	// MaxDealPeriods bounds a deal's audit periods.
	MaxDealPeriods = 1_000_000
	// MaxPeriodBlocks bounds one audit period.
	MaxPeriodBlocks = MaxEscrowBlocks
	// MaxDealBlocks bounds a deal's term, periods × periodBlocks.
	MaxDealBlocks = 100_000_000
	// MaxObjectSize bounds the size a deal records: a pebibyte.
	MaxObjectSize int64 = 1 << 50
)

// Keys of the storage module's records.
const (
	prefDeal      = "storage/deal/"  // + deal ID: Deal
	prefDealOwner = "storage/owner/" // + owner + "/" + deal ID: the deal ID
	prefDealProv  = "storage/prov/"  // + provider + "/" + deal ID: the deal ID
)

// Deal pays providers over time to keep the shards of one stored object,
// for each audit period they pass. Its owner locks the amount at open;
// its arbiter assigns the shards, reports audits and moves shards on
// repair; what is not paid returns to the owner at close.
//
// Amount = Balance + Paid + Fee + Refunded holds at every height.
type Deal struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	Arbiter      string `json:"arbiter"`
	State        string `json:"state"`
	Amount       int64  `json:"amount"`
	Balance      int64  `json:"balance"` // what the deal still holds
	Periods      int64  `json:"periods"`
	PeriodBlocks int64  `json:"periodBlocks"`
	OpenedAt     int64  `json:"openedAt"`
	// EndsAt is the end of the last period: OpenedAt + Periods ×
	// PeriodBlocks.
	EndsAt int64 `json:"endsAt"`
	// ClosableAt is EndsAt plus one period of grace for the last audit:
	// from here no audit is taken and anyone may close the deal.
	ClosableAt int64 `json:"closableAt"`
	// Set by the assignment.
	Object     string      `json:"object,omitempty"`
	Size       int64       `json:"size,omitempty"`
	Shards     []DealShard `json:"shards,omitempty"`
	AssignedAt int64       `json:"assignedAt,omitempty"`
	// Audited is the number of periods reported: periods are reported in
	// order, each once.
	Audited int64 `json:"audited"`
	// Paid went to providers, Fee to the treasury; Refunded returned to
	// the owner at close; Slashed is stake taken from providers whose
	// shards were lost and paid to the owner (never part of Amount).
	Paid     int64  `json:"paid"`
	Fee      int64  `json:"fee"`
	Refunded int64  `json:"refunded"`
	Slashed  int64  `json:"slashed"`
	Outcome  string `json:"outcome,omitempty"`
	ClosedAt int64  `json:"closedAt,omitempty"`
	ClosedBy string `json:"closedBy,omitempty"`
}

// DealShard is one shard's assignment: the provider that keeps it, the
// Merkle root its audits prove against, and what each passed period pays.
type DealShard struct {
	Index     int    `json:"index"`
	Provider  string `json:"provider"`
	Root      string `json:"root"`
	PerPeriod int64  `json:"perPeriod"`
	State     string `json:"state"`
	// Since is the height this provider took the shard.
	Since int64 `json:"since"`
	// Passed and Failed count this provider's audits of the shard; Fails
	// is the current run of failures.
	Passed int64 `json:"passed"`
	Failed int64 `json:"failed"`
	Fails  int64 `json:"fails"`
	// Paid is what this provider received for the shard, after the fee;
	// Slashed what it lost when the shard was declared lost.
	Paid    int64 `json:"paid"`
	Slashed int64 `json:"slashed"`
}

// Holds reports whether the deal still holds money.
func (d Deal) Holds() bool { return d.State == DealOpen || d.State == DealActive }

// Remaining is the number of periods not reported yet.
func (d Deal) Remaining() int64 { return d.Periods - d.Audited }

// PeriodStart is the height from which period p (1-based) may be
// reported.
func (d Deal) PeriodStart(p int64) int64 { return d.OpenedAt + (p-1)*d.PeriodBlocks }

// Shard returns the shard with index i.
func (d Deal) Shard(i int) (DealShard, bool) {
	for _, s := range d.Shards {
		if s.Index == i {
			return s, true
		}
	}
	return DealShard{}, false
}

// PerPeriod is what one period pays if every live shard passes.
func (d Deal) PerPeriod() int64 {
	var sum int64
	for _, s := range d.Shards {
		if s.State == ShardLive {
			sum = min(sum+s.PerPeriod, MaxSupply)
		}
	}
	return sum
}

// covers reports whether the deal's balance pays perPeriod for every
// period still to report, without overflow.
func (d Deal) covers(perPeriod int64) bool {
	rem := d.Remaining()
	if rem <= 0 || perPeriod == 0 {
		return d.Balance >= 0
	}
	return perPeriod <= d.Balance/rem
}

// DealID is the ID of the deal that sender's transaction with nonce
// opens, so a client knows it before the block.
func DealID(sender [32]byte, nonce uint64) string {
	h := sha256.New()
	h.Write([]byte("opensky/deal/1"))
	h.Write(sender[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], nonce)
	h.Write(n[:])
	return "d-" + hex.EncodeToString(h.Sum(nil)[:16])
}

func getDeal(s kv, id string) (Deal, bool) {
	var d Deal
	return d, read(s, prefDeal+id, &d)
}

func putDeal(s kv, d Deal) { write(s, prefDeal+d.ID, d) }

func dealOwnerKey(owner, id string) string { return prefDealOwner + owner + "/" + id }
func dealProvKey(prov, id string) string   { return prefDealProv + prov + "/" + id }

// dealsUnder lists the deals an index names under prefix, in ID order.
func dealsUnder(s mapKV, prefix string) []Deal {
	out := []Deal{}
	for _, k := range s.keys(prefix) {
		var id string
		read(s, k, &id)
		if d, ok := getDeal(s, id); ok {
			out = append(out, d)
		}
	}
	return out
}

// queryDeals answers the storage query paths; ok is false for a path
// that is not one of them.
func queryDeals(s mapKV, path string) (v any, ok bool, err error) {
	switch {
	case strings.HasPrefix(path, QueryDeal):
		id := strings.TrimPrefix(path, QueryDeal)
		d, found := getDeal(s, id)
		if !found {
			return nil, true, txErr(CodeNotFound, "no deal %s", printable(id))
		}
		return d, true, nil
	case strings.HasPrefix(path, QueryDealsByOwner):
		addr := strings.TrimPrefix(path, QueryDealsByOwner)
		if err := checkAddress("address", addr); err != nil {
			return nil, true, err
		}
		return dealsUnder(s, prefDealOwner+addr+"/"), true, nil
	case strings.HasPrefix(path, QueryDealsByProvider):
		addr := strings.TrimPrefix(path, QueryDealsByProvider)
		if err := checkAddress("address", addr); err != nil {
			return nil, true, err
		}
		return dealsUnder(s, prefDealProv+addr+"/"), true, nil
	}
	return nil, false, nil
}
