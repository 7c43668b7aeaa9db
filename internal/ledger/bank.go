package ledger

import "fmt"

// credit adds amount to addr's balance, creating the account.
func (c *execCtx) credit(addr string, amount int64) error {
	a, _ := getAccount(c.s, addr)
	b, err := addChecked(a.Balance, amount)
	if err != nil {
		return err
	}
	a.Balance = b
	putAccount(c.s, a)
	return nil
}

// debit takes amount from addr's balance.
func (c *execCtx) debit(addr string, amount int64) error {
	a, ok := getAccount(c.s, addr)
	if !ok || a.Balance < amount {
		return txErr(CodeInsufficientFund, "%s has %s, needs %s", addr, FormatUSD(a.Balance), FormatUSD(amount))
	}
	a.Balance -= amount
	putAccount(c.s, a)
	return nil
}

func (c *execCtx) transfer(m *MsgTransfer) error {
	if err := c.debit(c.sender, m.Amount); err != nil {
		return err
	}
	if err := c.credit(m.To, m.Amount); err != nil {
		return err
	}
	c.emit("transfer", "from", c.sender, "to", m.To, "amount", fmt.Sprint(m.Amount))
	return nil
}

func (c *execCtx) mint(m *MsgMint) error {
	if c.params.Bridge == "" || c.sender != c.params.Bridge {
		return txErr(CodeUnauthorized, "only the bridge account mints")
	}
	if _, done := c.s.get(prefMintRef + m.Ref); done {
		return txErr(CodeConflict, "deposit %s was already credited", printable(m.Ref))
	}
	sup := getSupply(c.s)
	minted, err := addChecked(sup.Minted, m.Amount)
	if err != nil {
		return err
	}
	if _, err := addChecked(sup.Total(), m.Amount); err != nil {
		return err
	}
	if err := c.credit(m.To, m.Amount); err != nil {
		return err
	}
	sup.Minted = minted
	write(c.s, keySupply, sup)
	c.s.set(prefMintRef+m.Ref, []byte(`"`+c.txHash+`"`))
	c.emit("mint", "to", m.To, "amount", fmt.Sprint(m.Amount), "ref", m.Ref)
	return nil
}

func (c *execCtx) burn(m *MsgBurn) error {
	if err := c.debit(c.sender, m.Amount); err != nil {
		return err
	}
	sup := getSupply(c.s)
	sup.Burned += m.Amount
	write(c.s, keySupply, sup)
	c.emit("burn", "from", c.sender, "amount", fmt.Sprint(m.Amount), "dest", m.Dest)
	return nil
}

// FormatUSD shows a micro-USD amount as dollars: 1500000 is "$1.500000".
func FormatUSD(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s$%d.%06d", sign, v/USD, v%USD)
}
