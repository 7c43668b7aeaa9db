package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
)

// Escrow states. Open and assigned hold money; settled and expired are
// terminal and hold none.
const (
	EscrowOpen     = "open"
	EscrowAssigned = "assigned"
	EscrowSettled  = "settled"
	EscrowExpired  = "expired"
)

// Escrow is money a consumer locked for one job, released only by its
// arbiter's settlement or by expiry.
type Escrow struct {
	ID        string `json:"id"`
	Owner     string `json:"owner"`
	Arbiter   string `json:"arbiter"`
	Amount    int64  `json:"amount"`
	State     string `json:"state"`
	Job       string `json:"job,omitempty"`
	CreatedAt int64  `json:"createdAt"`
	ExpiresAt int64  `json:"expiresAt"`
	// Set by settlement or expiry.
	Outcome  string `json:"outcome,omitempty"`
	Paid     int64  `json:"paid"`
	Fee      int64  `json:"fee"`
	Refunded int64  `json:"refunded"`
	Slashed  int64  `json:"slashed"`
	// Evidence is what the arbiter's verdict rests on (e.g. the job's
	// output root), kept for audit.
	Evidence  string `json:"evidence,omitempty"`
	SettledAt int64  `json:"settledAt,omitempty"`
}

// Holds reports whether the escrow still holds its amount.
func (e Escrow) Holds() bool { return e.State == EscrowOpen || e.State == EscrowAssigned }

// EscrowID is the ID of the escrow that sender's transaction with nonce
// creates, so a client knows it before the block.
func EscrowID(sender [32]byte, nonce uint64) string {
	h := sha256.New()
	h.Write([]byte("opensky/escrow/1"))
	h.Write(sender[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], nonce)
	h.Write(n[:])
	return "e-" + hex.EncodeToString(h.Sum(nil)[:16])
}

func getEscrow(s kv, id string) (Escrow, bool) {
	var e Escrow
	return e, read(s, prefEscrow+id, &e)
}

func putEscrow(s kv, e Escrow) { write(s, prefEscrow+e.ID, e) }

// jobKey indexes the escrow of an arbiter's job: job IDs are the
// arbiter's, so another account cannot take one first.
func jobKey(arbiter, job string) string { return prefJob + arbiter + "/" + job }

func (c *execCtx) lock(m *MsgLock) error {
	if m.Arbiter == c.sender {
		return txErr(CodeInvalid, "an escrow's arbiter cannot be its owner")
	}
	if !slices.Contains(c.params.Arbiters, m.Arbiter) {
		return txErr(CodeUnauthorized, "%s is not one of the chain's arbiters", m.Arbiter)
	}
	id := EscrowID(c.senderKey, c.nonce)
	if _, exists := getEscrow(c.s, id); exists {
		return txErr(CodeInternal, "escrow %s exists", id)
	}
	if err := c.debit(c.sender, m.Amount); err != nil {
		return err
	}
	e := Escrow{ID: id, Owner: c.sender, Arbiter: m.Arbiter, Amount: m.Amount, State: EscrowOpen,
		CreatedAt: c.height, ExpiresAt: c.height + m.ExpiresIn}
	putEscrow(c.s, e)
	c.data = []byte(id)
	c.emit("escrow_lock", "id", id, "owner", c.sender, "arbiter", m.Arbiter, "amount", fmt.Sprint(m.Amount))
	return nil
}

func (c *execCtx) assign(m *MsgAssign) error {
	e, ok := getEscrow(c.s, m.Escrow)
	if !ok {
		return txErr(CodeNotFound, "no escrow %s", printable(m.Escrow))
	}
	if e.Arbiter != c.sender {
		return txErr(CodeUnauthorized, "only the escrow's arbiter %s may assign it", e.Arbiter)
	}
	if e.State != EscrowOpen {
		return txErr(CodeConflict, "escrow %s is %s", e.ID, e.State)
	}
	if _, taken := c.s.get(jobKey(e.Arbiter, m.Job)); taken {
		return txErr(CodeConflict, "job %s already has an escrow", printable(m.Job))
	}
	e.State, e.Job = EscrowAssigned, m.Job
	putEscrow(c.s, e)
	write(c.s, jobKey(e.Arbiter, m.Job), e.ID)
	c.emit("escrow_assign", "id", e.ID, "job", m.Job)
	return nil
}

func (c *execCtx) expire(m *MsgExpire) error {
	e, ok := getEscrow(c.s, m.Escrow)
	if !ok {
		return txErr(CodeNotFound, "no escrow %s", printable(m.Escrow))
	}
	if !e.Holds() {
		return txErr(CodeConflict, "escrow %s is already %s", e.ID, e.State)
	}
	if c.height < e.ExpiresAt {
		return txErr(CodeConflict, "escrow %s expires at height %d, now %d", e.ID, e.ExpiresAt, c.height)
	}
	if err := c.credit(e.Owner, e.Amount); err != nil {
		return err
	}
	e.State, e.Outcome, e.Refunded, e.SettledAt = EscrowExpired, "expired", e.Amount, c.height
	putEscrow(c.s, e)
	c.emit("escrow_expire", "id", e.ID, "owner", e.Owner, "refunded", fmt.Sprint(e.Amount))
	return nil
}
