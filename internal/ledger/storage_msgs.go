package ledger

import (
	"fmt"
)

// MsgOpenDeal locks Amount from the sender's balance for a storage deal
// of Periods audit periods of PeriodBlocks blocks each, arbitrated by
// Arbiter (one of the chain's arbiters). The deal's ID is DealID(sender,
// nonce), returned as the transaction's data.
type MsgOpenDeal struct {
	Arbiter      string `json:"arbiter"`
	Amount       int64  `json:"amount"`
	Periods      int64  `json:"periods"`
	PeriodBlocks int64  `json:"periodBlocks"`
}

func (*MsgOpenDeal) Type() string { return TypeOpenDeal }
func (m *MsgOpenDeal) validate() error {
	if err := checkAddress("arbiter", m.Arbiter); err != nil {
		return err
	}
	if err := checkAmount("amount", m.Amount, false); err != nil {
		return err
	}
	if m.Periods < 1 || m.Periods > MaxDealPeriods {
		return txErr(CodeInvalid, "periods must be 1 to %d", MaxDealPeriods)
	}
	if m.PeriodBlocks < 1 || m.PeriodBlocks > MaxPeriodBlocks {
		return txErr(CodeInvalid, "periodBlocks must be 1 to %d", MaxPeriodBlocks)
	}
	if m.Periods > MaxDealBlocks/m.PeriodBlocks {
		return txErr(CodeInvalid, "periods × periodBlocks must be at most %d blocks", MaxDealBlocks)
	}
	return nil
}

// ShardAssignment places one shard of a deal's object on a provider.
type ShardAssignment struct {
	Index    int    `json:"index"`
	Provider string `json:"provider"`
	// Root is the shard's Merkle root, 64 lowercase hex digits.
	Root string `json:"root"`
	// PerPeriod is what each passed period pays for the shard, fee
	// included.
	PerPeriod int64 `json:"perPeriod"`
}

func (a ShardAssignment) validate(field string) error {
	if a.Index < 0 || a.Index >= MaxDealShards {
		return txErr(CodeInvalid, "%s.index must be 0 to %d", field, MaxDealShards-1)
	}
	if err := checkAddress(field+".provider", a.Provider); err != nil {
		return err
	}
	if err := checkRoot(field+".root", a.Root); err != nil {
		return err
	}
	return checkAmount(field+".perPeriod", a.PerPeriod, false)
}

// MsgAssignDeal records what an open deal stores and where: the object's
// CID and size, and each shard's provider. Only the deal's arbiter may
// send it, once.
type MsgAssignDeal struct {
	Deal   string            `json:"deal"`
	Object string            `json:"object"`
	Size   int64             `json:"size"`
	Shards []ShardAssignment `json:"shards"`
}

func (*MsgAssignDeal) Type() string { return TypeAssignDeal }
func (m *MsgAssignDeal) validate() error {
	if err := checkText("deal", m.Deal, maxID, true); err != nil {
		return err
	}
	if err := checkObject("object", m.Object); err != nil {
		return err
	}
	if m.Size < 1 || m.Size > MaxObjectSize {
		return txErr(CodeInvalid, "size must be 1 to %d bytes", MaxObjectSize)
	}
	if len(m.Shards) == 0 || len(m.Shards) > MaxDealShards {
		return txErr(CodeInvalid, "a deal has 1 to %d shards", MaxDealShards)
	}
	indices, providers := map[int]bool{}, map[string]bool{}
	for i, a := range m.Shards {
		field := fmt.Sprintf("shards[%d]", i)
		if err := a.validate(field); err != nil {
			return err
		}
		if indices[a.Index] {
			return txErr(CodeInvalid, "shard %d is assigned twice", a.Index)
		}
		indices[a.Index] = true
		if providers[a.Provider] {
			return txErr(CodeInvalid, "provider %s holds two shards: each shard needs its own provider", a.Provider)
		}
		providers[a.Provider] = true
	}
	return nil
}

// AuditResult is one shard's audit in one period.
type AuditResult struct {
	Index int  `json:"index"`
	Pass  bool `json:"pass"`
}

// MsgAuditDeal reports one period's audits of a deal: a result for every
// live shard. Periods are reported in order, each once, from the height
// the period starts. Only the deal's arbiter may send it.
type MsgAuditDeal struct {
	Deal    string        `json:"deal"`
	Period  int64         `json:"period"`
	Results []AuditResult `json:"results"`
	// Evidence is what the verdicts rest on (e.g. a hash of the proofs),
	// kept in the audit's event.
	Evidence string `json:"evidence,omitempty"`
}

func (*MsgAuditDeal) Type() string { return TypeAuditDeal }
func (m *MsgAuditDeal) validate() error {
	if err := checkText("deal", m.Deal, maxID, true); err != nil {
		return err
	}
	if m.Period < 1 || m.Period > MaxDealPeriods {
		return txErr(CodeInvalid, "period must be 1 to %d", MaxDealPeriods)
	}
	if len(m.Results) == 0 || len(m.Results) > MaxDealShards {
		return txErr(CodeInvalid, "an audit reports 1 to %d shards", MaxDealShards)
	}
	seen := map[int]bool{}
	for i, r := range m.Results {
		if r.Index < 0 || r.Index >= MaxDealShards {
			return txErr(CodeInvalid, "results[%d].index must be 0 to %d", i, MaxDealShards-1)
		}
		if seen[r.Index] {
			return txErr(CodeInvalid, "shard %d is reported twice", r.Index)
		}
		seen[r.Index] = true
	}
	return checkText("evidence", m.Evidence, 256, false)
}

// MsgReplaceShard moves a shard of an active deal to another provider,
// after a repair rebuilt it there: the former provider is paid no more,
// the new one for each period reported from now on. Only the deal's
// arbiter may send it.
type MsgReplaceShard struct {
	Deal      string `json:"deal"`
	Index     int    `json:"index"`
	Provider  string `json:"provider"`
	Root      string `json:"root"`
	PerPeriod int64  `json:"perPeriod"`
}

func (*MsgReplaceShard) Type() string { return TypeReplaceShard }
func (m *MsgReplaceShard) validate() error {
	if err := checkText("deal", m.Deal, maxID, true); err != nil {
		return err
	}
	return ShardAssignment{Index: m.Index, Provider: m.Provider, Root: m.Root, PerPeriod: m.PerPeriod}.validate("shard")
}

// MsgCloseDeal ends a deal and returns what it still holds to its owner.
// The owner or the arbiter may close it at any time, anyone from its
// ClosableAt height.
type MsgCloseDeal struct {
	Deal string `json:"deal"`
}

func (*MsgCloseDeal) Type() string      { return TypeCloseDeal }
func (m *MsgCloseDeal) validate() error { return checkText("deal", m.Deal, maxID, true) }

// checkRoot accepts a SHA-256 root in its one form: 64 lowercase hex
// digits.
func checkRoot(field, r string) error {
	if len(r) != 64 {
		return txErr(CodeInvalid, "%s must be 64 lowercase hex digits", field)
	}
	for _, c := range r {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return txErr(CodeInvalid, "%s must be 64 lowercase hex digits", field)
		}
	}
	return nil
}

// checkObject accepts an object's CID as the storage layer writes it: a
// CIDv1 in lowercase base32 ("b…"), 8 to 128 characters. The rule is the
// chain's own, so that it cannot change under a running network.
func checkObject(field, o string) error {
	if len(o) < 8 || len(o) > 128 || o[0] != 'b' {
		return txErr(CodeInvalid, "%s must be a CIDv1 in base32 (b…), 8 to 128 characters", field)
	}
	for _, c := range o {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return txErr(CodeInvalid, "%s must be a CIDv1 in lowercase base32", field)
		}
	}
	return nil
}
