package ledger

// Event is something a transaction did, indexed by CometBFT so that
// clients can search for it ("transfer.to='5F…'").
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one key and value of an Event.
type Attr struct{ Key, Value string }

// execCtx is what a message handler sees: the state layer it writes, the
// block it is in, and the transaction's sender.
type execCtx struct {
	s         kv
	height    int64
	chainID   string
	params    Params
	sender    string
	senderKey [32]byte
	nonce     uint64
	txHash    string
	events    []Event
	data      []byte // returned to the client, e.g. a new escrow's ID
}

func (c *execCtx) emit(typ string, kvs ...string) {
	e := Event{Type: typ}
	for i := 0; i+1 < len(kvs); i += 2 {
		e.Attrs = append(e.Attrs, Attr{kvs[i], kvs[i+1]})
	}
	c.events = append(c.events, e)
}

// handler applies one message type.
type handler func(c *execCtx, m Msg) error

var handlers = map[string]handler{
	TypeTransfer:   func(c *execCtx, m Msg) error { return c.transfer(m.(*MsgTransfer)) },
	TypeMint:       func(c *execCtx, m Msg) error { return c.mint(m.(*MsgMint)) },
	TypeBurn:       func(c *execCtx, m Msg) error { return c.burn(m.(*MsgBurn)) },
	TypeRegister:   func(c *execCtx, m Msg) error { return c.register(m.(*MsgRegister)) },
	TypeUpdate:     func(c *execCtx, m Msg) error { return c.updateProvider(m.(*MsgUpdateProvider)) },
	TypeUnregister: func(c *execCtx, m Msg) error { return c.unregister() },
	TypeLock:       func(c *execCtx, m Msg) error { return c.lock(m.(*MsgLock)) },
	TypeAssign:     func(c *execCtx, m Msg) error { return c.assign(m.(*MsgAssign)) },
	TypeExpire:     func(c *execCtx, m Msg) error { return c.expire(m.(*MsgExpire)) },
	TypeSettle:     func(c *execCtx, m Msg) error { return c.settle(m.(*MsgSettle)) },

	TypeOpenDeal:     func(c *execCtx, m Msg) error { return c.openDeal(m.(*MsgOpenDeal)) },
	TypeAssignDeal:   func(c *execCtx, m Msg) error { return c.assignDeal(m.(*MsgAssignDeal)) },
	TypeAuditDeal:    func(c *execCtx, m Msg) error { return c.auditDeal(m.(*MsgAuditDeal)) },
	TypeReplaceShard: func(c *execCtx, m Msg) error { return c.replaceShard(m.(*MsgReplaceShard)) },
	TypeCloseDeal:    func(c *execCtx, m Msg) error { return c.closeDeal(m.(*MsgCloseDeal)) },
}

// addChecked adds two non-negative amounts, refusing overflow past
// MaxSupply.
func addChecked(a, b int64) (int64, error) {
	if a < 0 || b < 0 || a > MaxSupply-b {
		return 0, txErr(CodeOverflow, "amount out of range")
	}
	return a + b, nil
}
