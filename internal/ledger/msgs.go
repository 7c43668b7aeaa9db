package ledger

import (
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/identity"
)

// Msg is what a transaction asks the chain to do. Its JSON form is the
// transaction payload; validate holds the checks that need no state.
type Msg interface {
	Type() string
	validate() error
}

// msgTypes maps a transaction's type to a new message of that type.
var msgTypes = map[string]func() Msg{
	TypeTransfer:   func() Msg { return &MsgTransfer{} },
	TypeMint:       func() Msg { return &MsgMint{} },
	TypeBurn:       func() Msg { return &MsgBurn{} },
	TypeRegister:   func() Msg { return &MsgRegister{} },
	TypeUpdate:     func() Msg { return &MsgUpdateProvider{} },
	TypeUnregister: func() Msg { return &MsgUnregister{} },
	TypeLock:       func() Msg { return &MsgLock{} },
	TypeAssign:     func() Msg { return &MsgAssign{} },
	TypeExpire:     func() Msg { return &MsgExpire{} },
	TypeSettle:     func() Msg { return &MsgSettle{} },

	TypeOpenDeal:     func() Msg { return &MsgOpenDeal{} },
	TypeAssignDeal:   func() Msg { return &MsgAssignDeal{} },
	TypeAuditDeal:    func() Msg { return &MsgAuditDeal{} },
	TypeReplaceShard: func() Msg { return &MsgReplaceShard{} },
	TypeCloseDeal:    func() Msg { return &MsgCloseDeal{} },
}

// Message types.
const (
	TypeTransfer   = "bank/transfer"
	TypeMint       = "bank/mint"
	TypeBurn       = "bank/burn"
	TypeRegister   = "registry/register"
	TypeUpdate     = "registry/update"
	TypeUnregister = "registry/unregister"
	TypeLock       = "escrow/lock"
	TypeAssign     = "escrow/assign"
	TypeExpire     = "escrow/expire"
	TypeSettle     = "settlement/settle"

	TypeOpenDeal     = "storage/open"
	TypeAssignDeal   = "storage/assign"
	TypeAuditDeal    = "storage/audit"
	TypeReplaceShard = "storage/replace"
	TypeCloseDeal    = "storage/close"
)

// MaxAmount bounds any single amount: a billion USD in micro-USD.
const MaxAmount int64 = 1_000_000_000 * USD

// USD is one US dollar in the chain's unit (micro-USD, six decimals).
const USD int64 = 1_000_000

// Bounds on message fields.
const (
	maxMemo    = 256
	maxRef     = 128
	maxID      = 128
	MaxPayouts = 512
)

func checkAmount(field string, v int64, allowZero bool) error {
	switch {
	case v < 0 || (v == 0 && !allowZero):
		return txErr(CodeInvalid, "%s must be positive", field)
	case v > MaxAmount:
		return txErr(CodeInvalid, "%s exceeds the largest amount (%d)", field, MaxAmount)
	}
	return nil
}

// checkAddress accepts an address only in the chain's one form (SS58 with
// the generic prefix 42), since state is keyed by it: the same key written
// with the Polkadot prefix would be another, unspendable account.
func checkAddress(field, a string) error {
	pub, err := identity.ParseAddress(a)
	if err != nil {
		return txErr(CodeInvalid, "%s: %v", field, err)
	}
	if canon := identity.AddressOf(pub); canon != a {
		return txErr(CodeInvalid, "%s: write the address as %s (the generic Substrate form)", field, canon)
	}
	return nil
}

func checkText(field, s string, max int, required bool) error {
	if required && s == "" {
		return txErr(CodeInvalid, "%s is required", field)
	}
	if len(s) > max {
		return txErr(CodeInvalid, "%s is longer than %d bytes", field, max)
	}
	for _, c := range s {
		if c < ' ' || c == 0x7f {
			return txErr(CodeInvalid, "%s contains a control character", field)
		}
	}
	return nil
}

func checkPeer(field, p string) error {
	if _, err := peer.Decode(p); err != nil || len(p) > maxID {
		return txErr(CodeInvalid, "%s is not a peer ID", field)
	}
	return nil
}

// MsgTransfer moves an amount from the sender to another account.
type MsgTransfer struct {
	To     string `json:"to"`
	Amount int64  `json:"amount"`
	Memo   string `json:"memo,omitempty"`
}

func (*MsgTransfer) Type() string { return TypeTransfer }
func (m *MsgTransfer) validate() error {
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if err := checkAmount("amount", m.Amount, false); err != nil {
		return err
	}
	return checkText("memo", m.Memo, maxMemo, false)
}

// MsgMint credits a deposit that arrived on the bridge. Only the bridge
// account may send it, and each Ref (the deposit's origin) is credited
// once.
type MsgMint struct {
	To     string `json:"to"`
	Amount int64  `json:"amount"`
	Ref    string `json:"ref"`
}

func (*MsgMint) Type() string { return TypeMint }
func (m *MsgMint) validate() error {
	if err := checkAddress("to", m.To); err != nil {
		return err
	}
	if err := checkAmount("amount", m.Amount, false); err != nil {
		return err
	}
	return checkText("ref", m.Ref, maxRef, true)
}

// MsgBurn withdraws: the amount leaves the chain, to be paid out at Dest by
// the bridge.
type MsgBurn struct {
	Amount int64  `json:"amount"`
	Dest   string `json:"dest"`
}

func (*MsgBurn) Type() string { return TypeBurn }
func (m *MsgBurn) validate() error {
	if err := checkAmount("amount", m.Amount, false); err != nil {
		return err
	}
	return checkText("dest", m.Dest, maxRef, true)
}

// Capacity is what a provider offers.
type Capacity struct {
	MilliCPU    int64 `json:"milliCpu"`
	MemoryBytes int64 `json:"memoryBytes"`
	DiskBytes   int64 `json:"diskBytes"`
	GPUs        int64 `json:"gpus"`
}

func (c Capacity) validate() error {
	if c.MilliCPU < 0 || c.MemoryBytes < 0 || c.DiskBytes < 0 || c.GPUs < 0 {
		return txErr(CodeInvalid, "capacity must not be negative")
	}
	return nil
}

// MsgRegister registers the sender as a provider running the libp2p peer
// PeerID, with Stake moved from its balance. PeerSig is the peer key's
// signature over BindMessage(chainID, sender), so no one can claim
// another's peer.
type MsgRegister struct {
	PeerID            string   `json:"peerId"`
	PeerSig           []byte   `json:"peerSig"`
	Stake             int64    `json:"stake"`
	PricePerCPUSecond int64    `json:"pricePerCpuSecond"`
	MinPrice          int64    `json:"minPrice"`
	Capacity          Capacity `json:"capacity"`
}

func (*MsgRegister) Type() string { return TypeRegister }
func (m *MsgRegister) validate() error {
	if err := checkPeer("peerId", m.PeerID); err != nil {
		return err
	}
	if len(m.PeerSig) == 0 || len(m.PeerSig) > 128 {
		return txErr(CodeInvalid, "peerSig must be the peer key's signature")
	}
	if err := checkAmount("stake", m.Stake, false); err != nil {
		return err
	}
	if err := checkAmount("pricePerCpuSecond", m.PricePerCPUSecond, true); err != nil {
		return err
	}
	if err := checkAmount("minPrice", m.MinPrice, true); err != nil {
		return err
	}
	return m.Capacity.validate()
}

// BindMessage is what a provider's peer key signs to bind the peer to an
// account on a chain.
func BindMessage(chainID, address string) []byte {
	return []byte("opensky/bind/1\x00" + chainID + "\x00" + address)
}

// MsgUpdateProvider changes a registered provider's prices and capacity
// and adds stake.
type MsgUpdateProvider struct {
	AddStake          int64    `json:"addStake"`
	PricePerCPUSecond int64    `json:"pricePerCpuSecond"`
	MinPrice          int64    `json:"minPrice"`
	Capacity          Capacity `json:"capacity"`
}

func (*MsgUpdateProvider) Type() string { return TypeUpdate }
func (m *MsgUpdateProvider) validate() error {
	for _, f := range []struct {
		n string
		v int64
	}{{"addStake", m.AddStake}, {"pricePerCpuSecond", m.PricePerCPUSecond}, {"minPrice", m.MinPrice}} {
		if err := checkAmount(f.n, f.v, true); err != nil {
			return err
		}
	}
	return m.Capacity.validate()
}

// MsgUnregister retires the sender as a provider. Its stake unbonds: it
// can still be slashed until it returns to the balance after the
// unbonding period.
type MsgUnregister struct{}

func (*MsgUnregister) Type() string    { return TypeUnregister }
func (*MsgUnregister) validate() error { return nil }

// MsgLock locks Amount from the sender's balance for a job run by Arbiter
// (an orchestrator's account). If it is not settled within ExpiresIn
// blocks, anyone may return it to the sender with MsgExpire.
type MsgLock struct {
	Arbiter   string `json:"arbiter"`
	Amount    int64  `json:"amount"`
	ExpiresIn int64  `json:"expiresIn"`
}

func (*MsgLock) Type() string { return TypeLock }
func (m *MsgLock) validate() error {
	if err := checkAddress("arbiter", m.Arbiter); err != nil {
		return err
	}
	if err := checkAmount("amount", m.Amount, false); err != nil {
		return err
	}
	if m.ExpiresIn <= 0 || m.ExpiresIn > MaxEscrowBlocks {
		return txErr(CodeInvalid, "expiresIn must be 1 to %d blocks", MaxEscrowBlocks)
	}
	return nil
}

// MaxEscrowBlocks bounds how long an escrow may stay locked.
const MaxEscrowBlocks = 10_000_000

// MsgAssign binds an escrow to the job it pays for. Only the escrow's
// arbiter may send it, once, and a job has at most one escrow.
type MsgAssign struct {
	Escrow string `json:"escrow"`
	Job    string `json:"job"`
}

func (*MsgAssign) Type() string { return TypeAssign }
func (m *MsgAssign) validate() error {
	if err := checkText("escrow", m.Escrow, maxID, true); err != nil {
		return err
	}
	return checkText("job", m.Job, maxID, true)
}

// MsgExpire returns an escrow that outlived its expiry to its owner.
type MsgExpire struct {
	Escrow string `json:"escrow"`
}

func (*MsgExpire) Type() string      { return TypeExpire }
func (m *MsgExpire) validate() error { return checkText("escrow", m.Escrow, maxID, true) }
