package ledger

import (
	"fmt"
	"slices"
)

// loadDeal reads a deal that can still change: not closed, and (unless
// anyTime) not past its last audit.
func (c *execCtx) loadDeal(id string, anyTime bool) (Deal, error) {
	d, ok := getDeal(c.s, id)
	if !ok {
		return d, txErr(CodeNotFound, "no deal %s", printable(id))
	}
	if !d.Holds() {
		return d, txErr(CodeConflict, "deal %s is already %s", d.ID, d.State)
	}
	if !anyTime && c.height >= d.ClosableAt {
		return d, txErr(CodeConflict, "deal %s is over since height %d (now %d): close it", d.ID, d.ClosableAt, c.height)
	}
	return d, nil
}

// activeProvider checks that addr may take a shard: a registered provider
// that is not unbonding.
func (c *execCtx) activeProvider(addr string) error {
	if p, ok := getProvider(c.s, addr); !ok || !p.Active {
		return txErr(CodeNotFound, "%s is not an active provider", addr)
	}
	return nil
}

func (c *execCtx) openDeal(m *MsgOpenDeal) error {
	if m.Arbiter == c.sender {
		return txErr(CodeInvalid, "a deal's arbiter cannot be its owner")
	}
	if !slices.Contains(c.params.Arbiters, m.Arbiter) {
		return txErr(CodeUnauthorized, "%s is not one of the chain's arbiters", m.Arbiter)
	}
	id := DealID(c.senderKey, c.nonce)
	if _, exists := getDeal(c.s, id); exists {
		return txErr(CodeInternal, "deal %s exists", id)
	}
	if err := c.debit(c.sender, m.Amount); err != nil {
		return err
	}
	term := m.Periods * m.PeriodBlocks // bounded by MaxDealBlocks
	d := Deal{ID: id, Owner: c.sender, Arbiter: m.Arbiter, State: DealOpen, Amount: m.Amount, Balance: m.Amount,
		Periods: m.Periods, PeriodBlocks: m.PeriodBlocks, OpenedAt: c.height,
		EndsAt: c.height + term, ClosableAt: c.height + term + m.PeriodBlocks}
	putDeal(c.s, d)
	write(c.s, dealOwnerKey(d.Owner, id), id)
	c.data = []byte(id)
	c.emit("storage_open", "deal", id, "owner", c.sender, "arbiter", m.Arbiter, "amount", fmt.Sprint(m.Amount),
		"periods", fmt.Sprint(m.Periods), "period_blocks", fmt.Sprint(m.PeriodBlocks), "ends_at", fmt.Sprint(d.EndsAt))
	return nil
}

func (c *execCtx) assignDeal(m *MsgAssignDeal) error {
	d, err := c.loadDeal(m.Deal, false)
	if err != nil {
		return err
	}
	if d.Arbiter != c.sender {
		return txErr(CodeUnauthorized, "only the deal's arbiter %s may assign it", d.Arbiter)
	}
	if d.State != DealOpen {
		return txErr(CodeConflict, "deal %s is already assigned", d.ID)
	}
	var perPeriod int64
	shards := make([]DealShard, 0, len(m.Shards))
	for _, a := range m.Shards {
		if err := c.activeProvider(a.Provider); err != nil {
			return err
		}
		if perPeriod, err = addChecked(perPeriod, a.PerPeriod); err != nil {
			return err
		}
		shards = append(shards, DealShard{Index: a.Index, Provider: a.Provider, Root: a.Root, PerPeriod: a.PerPeriod,
			State: ShardLive, Since: c.height})
	}
	if !d.covers(perPeriod) {
		return txErr(CodeInsufficientFund, "the shards cost %s per period: %d periods need more than the deal's %s (at most %s per period)",
			FormatUSD(perPeriod), d.Remaining(), FormatUSD(d.Balance), FormatUSD(d.Balance/d.Remaining()))
	}
	slices.SortFunc(shards, func(a, b DealShard) int { return a.Index - b.Index })
	d.State, d.Object, d.Size, d.Shards, d.AssignedAt = DealActive, m.Object, m.Size, shards, c.height
	putDeal(c.s, d)
	c.emit("storage_assign", "deal", d.ID, "owner", d.Owner, "object", m.Object, "size", fmt.Sprint(m.Size),
		"shards", fmt.Sprint(len(shards)), "per_period", fmt.Sprint(perPeriod))
	for _, s := range shards {
		write(c.s, dealProvKey(s.Provider, d.ID), d.ID)
		c.emit("storage_shard", "deal", d.ID, "object", d.Object, "index", fmt.Sprint(s.Index), "provider", s.Provider,
			"root", s.Root, "per_period", fmt.Sprint(s.PerPeriod))
	}
	return nil
}

func (c *execCtx) auditDeal(m *MsgAuditDeal) error {
	d, err := c.loadDeal(m.Deal, false)
	if err != nil {
		return err
	}
	if d.Arbiter != c.sender {
		return txErr(CodeUnauthorized, "only the deal's arbiter %s may report its audits", d.Arbiter)
	}
	if d.State != DealActive {
		return txErr(CodeConflict, "deal %s has no shards assigned yet", d.ID)
	}
	switch next := d.Audited + 1; {
	case m.Period > d.Periods:
		return txErr(CodeInvalid, "deal %s has %d periods, not %d", d.ID, d.Periods, m.Period)
	case m.Period < next:
		return txErr(CodeConflict, "period %d of deal %s is already reported", m.Period, d.ID)
	case m.Period > next:
		return txErr(CodeConflict, "period %d of deal %s is not reported yet: report it first", next, d.ID)
	case c.height < d.PeriodStart(m.Period):
		return txErr(CodeConflict, "period %d of deal %s starts at height %d, now %d", m.Period, d.ID, d.PeriodStart(m.Period), c.height)
	}
	pass := make(map[int]bool, len(m.Results))
	for _, r := range m.Results {
		s, ok := d.Shard(r.Index)
		switch {
		case !ok:
			return txErr(CodeNotFound, "deal %s has no shard %d", d.ID, r.Index)
		case s.State != ShardLive:
			return txErr(CodeConflict, "shard %d of deal %s is %s: it is audited no more", r.Index, d.ID, s.State)
		}
		pass[r.Index] = r.Pass
	}
	for _, s := range d.Shards {
		if _, reported := pass[s.Index]; s.State == ShardLive && !reported {
			return txErr(CodeConflict, "the audit of period %d has no result for shard %d", m.Period, s.Index)
		}
	}
	tr := getTreasury(c.s)
	var paid, fees, slashed int64
	passed, failed := 0, 0
	for i := range d.Shards {
		s := &d.Shards[i]
		if s.State != ShardLive {
			continue
		}
		if pass[s.Index] {
			fee := Fee(s.PerPeriod, c.params.FeeBps)
			if s.PerPeriod > d.Balance {
				return txErr(CodeInternal, "deal %s holds %d, shard %d is owed %d", d.ID, d.Balance, s.Index, s.PerPeriod)
			}
			net := s.PerPeriod - fee
			if err := c.credit(s.Provider, net); err != nil {
				return err
			}
			if tr.Balance, err = addChecked(tr.Balance, fee); err != nil {
				return err
			}
			d.Balance -= s.PerPeriod
			d.Paid += net
			d.Fee += fee
			paid += net
			fees += fee
			s.Passed++
			s.Fails = 0
			s.Paid += net
			if p, ok := getProvider(c.s, s.Provider); ok {
				p.Earned = min(p.Earned+net, MaxSupply)
				putProvider(c.s, p)
			}
			c.reputation(s.Provider, outcomeSuccess)
			passed++
			c.emit("storage_pay", "deal", d.ID, "period", fmt.Sprint(m.Period), "index", fmt.Sprint(s.Index),
				"provider", s.Provider, "amount", fmt.Sprint(net), "fee", fmt.Sprint(fee))
			continue
		}
		failed++
		s.Failed++
		s.Fails++
		if s.Fails < StorageFailLimit {
			c.reputation(s.Provider, outcomeLost)
			c.emit("storage_fail", "deal", d.ID, "period", fmt.Sprint(m.Period), "index", fmt.Sprint(s.Index),
				"provider", s.Provider, "fails", fmt.Sprint(s.Fails))
			continue
		}
		// The shard is lost: its provider answers for it with stake, paid
		// to the owner.
		p, ok := getProvider(c.s, s.Provider)
		if !ok {
			return txErr(CodeInternal, "shard %d of deal %s is held by %s, which is not a provider", s.Index, d.ID, s.Provider)
		}
		c.reputation(s.Provider, outcomeWrong)
		cut := c.slash(&p)
		s.State, s.Slashed = ShardLost, cut
		slashed += cut
		c.emit("storage_lost", "deal", d.ID, "period", fmt.Sprint(m.Period), "index", fmt.Sprint(s.Index),
			"provider", s.Provider, "slashed", fmt.Sprint(cut), "to", d.Owner)
	}
	if slashed > 0 {
		if err := c.credit(d.Owner, slashed); err != nil {
			return err
		}
		if d.Slashed, err = addChecked(d.Slashed, slashed); err != nil {
			return err
		}
	}
	write(c.s, keyTreasury, tr)
	d.Audited = m.Period
	putDeal(c.s, d)
	c.emit("storage_audit", "deal", d.ID, "period", fmt.Sprint(m.Period), "passed", fmt.Sprint(passed),
		"failed", fmt.Sprint(failed), "paid", fmt.Sprint(paid), "fee", fmt.Sprint(fees), "slashed", fmt.Sprint(slashed),
		"evidence", m.Evidence)
	return nil
}

func (c *execCtx) replaceShard(m *MsgReplaceShard) error {
	d, err := c.loadDeal(m.Deal, false)
	if err != nil {
		return err
	}
	if d.Arbiter != c.sender {
		return txErr(CodeUnauthorized, "only the deal's arbiter %s may move its shards", d.Arbiter)
	}
	if d.State != DealActive {
		return txErr(CodeConflict, "deal %s has no shards assigned yet", d.ID)
	}
	if d.Remaining() == 0 {
		return txErr(CodeConflict, "every period of deal %s is reported: nothing is left to pay a new provider", d.ID)
	}
	at := slices.IndexFunc(d.Shards, func(s DealShard) bool { return s.Index == m.Index })
	if at < 0 {
		return txErr(CodeNotFound, "deal %s has no shard %d", d.ID, m.Index)
	}
	for _, s := range d.Shards {
		if s.Provider == m.Provider && s.State == ShardLive {
			return txErr(CodeConflict, "%s already holds shard %d of deal %s", m.Provider, s.Index, d.ID)
		}
	}
	if err := c.activeProvider(m.Provider); err != nil {
		return err
	}
	old := d.Shards[at]
	d.Shards[at] = DealShard{Index: m.Index, Provider: m.Provider, Root: m.Root, PerPeriod: m.PerPeriod,
		State: ShardLive, Since: c.height}
	if perPeriod := d.PerPeriod(); !d.covers(perPeriod) {
		return txErr(CodeInsufficientFund, "the shards would cost %s per period: the %d periods left need more than the deal's %s",
			FormatUSD(perPeriod), d.Remaining(), FormatUSD(d.Balance))
	}
	if !slices.ContainsFunc(d.Shards, func(s DealShard) bool { return s.Provider == old.Provider }) {
		c.s.del(dealProvKey(old.Provider, d.ID))
	}
	write(c.s, dealProvKey(m.Provider, d.ID), d.ID)
	putDeal(c.s, d)
	c.emit("storage_replace", "deal", d.ID, "object", d.Object, "index", fmt.Sprint(m.Index), "from", old.Provider,
		"from_state", old.State, "provider", m.Provider)
	c.emit("storage_shard", "deal", d.ID, "object", d.Object, "index", fmt.Sprint(m.Index), "provider", m.Provider,
		"root", m.Root, "per_period", fmt.Sprint(m.PerPeriod))
	return nil
}

func (c *execCtx) closeDeal(m *MsgCloseDeal) error {
	d, err := c.loadDeal(m.Deal, true)
	if err != nil {
		return err
	}
	outcome := DealEnded
	switch {
	case c.height >= d.EndsAt && (c.sender == d.Owner || c.sender == d.Arbiter):
	case c.height >= d.ClosableAt:
	case c.sender == d.Owner:
		outcome = DealRemoved
	case c.sender == d.Arbiter:
		outcome = DealCancelled
	default:
		return txErr(CodeUnauthorized, "only the deal's owner or arbiter may close deal %s before height %d (now %d)", d.ID, d.ClosableAt, c.height)
	}
	refund := d.Balance
	if err := c.credit(d.Owner, refund); err != nil {
		return err
	}
	d.State, d.Outcome, d.Refunded, d.Balance = DealClosed, outcome, d.Refunded+refund, 0
	d.ClosedAt, d.ClosedBy = c.height, c.sender
	putDeal(c.s, d)
	c.emit("storage_close", "deal", d.ID, "owner", d.Owner, "by", c.sender, "outcome", outcome,
		"refunded", fmt.Sprint(refund), "paid", fmt.Sprint(d.Paid), "fee", fmt.Sprint(d.Fee))
	return nil
}
