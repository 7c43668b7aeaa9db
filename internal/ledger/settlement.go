package ledger

import (
	"fmt"
)

// Job outcomes a settlement records.
const (
	OutcomeCompleted = "completed"
	OutcomeFailed    = "failed"
	OutcomeCancelled = "cancelled"
	OutcomeExpired   = "expired"
)

// Fault kinds. A wrong result is proven by verification and slashed; a
// lost provider only loses reputation.
const (
	FaultWrongResult = "wrong_result"
	FaultLost        = "lost"
)

// Payout pays one provider for one task.
type Payout struct {
	Peer   string `json:"peer"`
	Task   string `json:"task"`
	Amount int64  `json:"amount"`
	// PricePerCPUSecond is the price the provider bid, for the market
	// index.
	PricePerCPUSecond int64 `json:"pricePerCpuSecond"`
}

// Fault reports a provider that returned a wrong result or vanished.
type Fault struct {
	Peer string `json:"peer"`
	Task string `json:"task"`
	Kind string `json:"kind"`
}

// MsgSettle ends an escrow's job: the arbiter pays the providers whose
// results were verified, the protocol fee goes to the treasury, the rest
// returns to the owner, and faulty providers lose reputation (and stake,
// for a wrong result, paid to the owner).
type MsgSettle struct {
	Escrow   string   `json:"escrow"`
	Job      string   `json:"job"`
	Outcome  string   `json:"outcome"`
	Payouts  []Payout `json:"payouts"`
	Faults   []Fault  `json:"faults"`
	Evidence string   `json:"evidence,omitempty"`
}

func (*MsgSettle) Type() string { return TypeSettle }
func (m *MsgSettle) validate() error {
	if err := checkText("escrow", m.Escrow, maxID, true); err != nil {
		return err
	}
	if err := checkText("job", m.Job, maxID, true); err != nil {
		return err
	}
	switch m.Outcome {
	case OutcomeCompleted, OutcomeFailed, OutcomeCancelled, OutcomeExpired:
	default:
		return txErr(CodeInvalid, "outcome must be completed, failed, cancelled or expired")
	}
	if len(m.Payouts)+len(m.Faults) > MaxPayouts {
		return txErr(CodeInvalid, "at most %d payouts and faults", MaxPayouts)
	}
	tasks := map[string]bool{}
	for i, p := range m.Payouts {
		if err := checkPeer(fmt.Sprintf("payouts[%d].peer", i), p.Peer); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("payouts[%d].task", i), p.Task, maxID, true); err != nil {
			return err
		}
		if tasks[p.Task] {
			return txErr(CodeInvalid, "task %s is paid twice", printable(p.Task))
		}
		tasks[p.Task] = true
		if err := checkAmount(fmt.Sprintf("payouts[%d].amount", i), p.Amount, true); err != nil {
			return err
		}
		if err := checkAmount(fmt.Sprintf("payouts[%d].pricePerCpuSecond", i), p.PricePerCPUSecond, true); err != nil {
			return err
		}
	}
	faulted := map[string]bool{}
	for i, f := range m.Faults {
		if err := checkPeer(fmt.Sprintf("faults[%d].peer", i), f.Peer); err != nil {
			return err
		}
		if faulted[f.Peer] {
			return txErr(CodeInvalid, "peer %s is faulted twice: a settlement reports a provider at most once", f.Peer)
		}
		faulted[f.Peer] = true
		if err := checkText(fmt.Sprintf("faults[%d].task", i), f.Task, maxID, true); err != nil {
			return err
		}
		if f.Kind != FaultWrongResult && f.Kind != FaultLost {
			return txErr(CodeInvalid, "faults[%d].kind must be %s or %s", i, FaultWrongResult, FaultLost)
		}
	}
	return checkText("evidence", m.Evidence, 256, false)
}

// Fee is the protocol fee on paid, rounded up. It is computed in parts so
// that paid*feeBps cannot overflow for any non-negative paid up to
// MaxSupply and feeBps up to 10000.
func Fee(paid, feeBps int64) int64 {
	return paid/10000*feeBps + (paid%10000*feeBps+9999)/10000
}

func (c *execCtx) settle(m *MsgSettle) error {
	e, ok := getEscrow(c.s, m.Escrow)
	if !ok {
		return txErr(CodeNotFound, "no escrow %s", printable(m.Escrow))
	}
	if e.Arbiter != c.sender {
		return txErr(CodeUnauthorized, "only the escrow's arbiter %s may settle it", e.Arbiter)
	}
	switch {
	case !e.Holds():
		return txErr(CodeConflict, "escrow %s is already %s", e.ID, e.State)
	case e.State == EscrowAssigned && e.Job != m.Job:
		return txErr(CodeConflict, "escrow %s pays for job %s, not %s", e.ID, e.Job, printable(m.Job))
	case e.State == EscrowOpen:
		if _, taken := c.s.get(jobKey(e.Arbiter, m.Job)); taken {
			return txErr(CodeConflict, "job %s already has an escrow", printable(m.Job))
		}
		write(c.s, jobKey(e.Arbiter, m.Job), e.ID)
		e.Job = m.Job
	}
	var paid int64
	for _, p := range m.Payouts {
		prov, ok := providerByPeer(c.s, p.Peer)
		if !ok {
			return txErr(CodeNotFound, "peer %s is not a registered provider", p.Peer)
		}
		var err error
		if paid, err = addChecked(paid, p.Amount); err != nil {
			return err
		}
		if err := c.credit(prov.Address, p.Amount); err != nil {
			return err
		}
		prov.Earned += p.Amount
		putProvider(c.s, prov)
		c.reputation(prov.Address, outcomeSuccess)
		c.observePrice(p.PricePerCPUSecond)
		c.emit("payout", "escrow", e.ID, "job", m.Job, "provider", prov.Address, "peer", p.Peer, "task", p.Task, "amount", fmt.Sprint(p.Amount))
	}
	fee := Fee(paid, c.params.FeeBps)
	if paid+fee > e.Amount {
		return txErr(CodeInsufficientFund, "payouts %s plus fee %s exceed the escrow's %s", FormatUSD(paid), FormatUSD(fee), FormatUSD(e.Amount))
	}
	refund := e.Amount - paid - fee
	var slashed int64
	for _, f := range m.Faults {
		prov, ok := providerByPeer(c.s, f.Peer)
		if !ok {
			return txErr(CodeNotFound, "peer %s is not a registered provider", f.Peer)
		}
		if f.Kind == FaultLost {
			c.reputation(prov.Address, outcomeLost)
			c.emit("fault", "escrow", e.ID, "provider", prov.Address, "peer", f.Peer, "task", f.Task, "kind", f.Kind)
			continue
		}
		c.reputation(prov.Address, outcomeWrong)
		cut := c.slash(&prov)
		slashed += cut
		c.emit("slash", "escrow", e.ID, "provider", prov.Address, "peer", f.Peer, "task", f.Task, "amount", fmt.Sprint(cut), "to", e.Owner)
	}
	tr := getTreasury(c.s)
	tr.Balance += fee
	write(c.s, keyTreasury, tr)
	if err := c.credit(e.Owner, refund+slashed); err != nil {
		return err
	}
	e.State, e.Outcome, e.Paid, e.Fee, e.Refunded, e.Slashed = EscrowSettled, m.Outcome, paid, fee, refund, slashed
	e.Evidence, e.SettledAt = m.Evidence, c.height
	putEscrow(c.s, e)
	write(c.s, jobKey(e.Arbiter, m.Job), e.ID)
	c.bumpMarket(paid)
	c.emit("settle", "escrow", e.ID, "job", m.Job, "owner", e.Owner, "outcome", m.Outcome,
		"paid", fmt.Sprint(paid), "fee", fmt.Sprint(fee), "refunded", fmt.Sprint(refund), "slashed", fmt.Sprint(slashed))
	return nil
}

// slash takes SlashBps of the provider's stake (active first, then
// unbonding), at least one micro-USD while any is left.
func (c *execCtx) slash(p *Provider) int64 {
	held := p.Stake + p.Unbonding
	share := held/10000*c.params.SlashBps + held%10000*c.params.SlashBps/10000 // held*SlashBps/10000 without overflow
	cut := min(held, max(share, min(held, 1)))
	if c.params.SlashBps == 0 {
		cut = 0
	}
	fromStake := min(cut, p.Stake)
	p.Stake -= fromStake
	p.Unbonding -= cut - fromStake
	p.Slashed += cut
	putProvider(c.s, *p)
	return cut
}
