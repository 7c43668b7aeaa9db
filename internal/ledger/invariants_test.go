package ledger

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The property test drives the ledger with long random sequences of valid
// and invalid transactions and checks it after every block against an
// independent model: a plain re-statement of the rules that predicts each
// transaction's result code and keeps its own balances, stakes, escrows,
// treasury and supply.

type modelProvider struct {
	registered bool // a record exists: payouts and faults find it
	active     bool
	stake      int64
	unbonding  int64
	unbondAt   int64
}

type modelEscrow struct {
	id, owner, arbiter string // owner and arbiter are names
	amount             int64
	state              string
	job                string
	expiresAt          int64
	closes             int // successful settles and expiries seen in results
}

type model struct {
	params    Params
	bal       map[string]int64 // by name
	nonce     map[string]uint64
	prov      map[string]*modelProvider
	escrows   map[string]*modelEscrow
	order     []string          // escrow IDs in creation order
	jobs      map[string]string // job -> escrow ID
	jobSettle map[string]int    // job -> successful settles
	refs      map[string]bool
	treasury  int64
	genesis   int64
	minted    int64
	burned    int64
}

// pending is a generated transaction with the code the model predicts
// and the effect to apply when the ledger agrees it succeeded.
type pending struct {
	kind   string
	raw    []byte
	want   Code
	escrow string // for settle and expire: counted when it succeeds
	job    string // for settle
}

type fuzzRun struct {
	t      *testing.T
	h      *harness
	r      *rand.Rand
	m      *model
	users  []string
	provs  []string
	arbs   []string
	sent   [][]byte // authentic, in-order transactions: replays of them must fail
	height int64
	stats  map[string]map[Code]int
}

func mulBps(v, bps int64) *big.Int {
	x := new(big.Int).Mul(big.NewInt(v), big.NewInt(bps))
	return x
}

// modelFee is ceil(paid*bps/10000) in exact arithmetic.
func modelFee(paid, bps int64) int64 {
	x := mulBps(paid, bps)
	x.Add(x, big.NewInt(9999))
	return x.Quo(x, big.NewInt(10000)).Int64()
}

// modelSlash is SlashBps of the held stake, at least 1 while any is held.
func modelSlash(held, bps int64) int64 {
	if bps == 0 || held == 0 {
		return 0
	}
	cut := mulBps(held, bps)
	cut.Quo(cut, big.NewInt(10000))
	return min(held, max(cut.Int64(), 1))
}

func (f *fuzzRun) name(pool []string) string { return pool[f.r.IntN(len(pool))] }

// amount is a random amount, mostly small, sometimes more than bal.
func (f *fuzzRun) amount(bal int64) int64 {
	switch f.r.IntN(10) {
	case 0:
		return bal + 1 + f.r.Int64N(10*USD) // an overdraft
	case 1:
		return max(bal, 1) // everything
	}
	return 1 + f.r.Int64N(40*USD)
}

// signNext signs m from name with its model nonce; the model uses the
// nonce when the transaction is authentic and in order.
func (f *fuzzRun) signNext(name string, m Msg) []byte {
	n := f.m.nonce[name]
	f.m.nonce[name] = n + 1
	return f.h.sign(name, n, m)
}

func (f *fuzzRun) beginBlock(height int64) {
	f.height = height
	for _, name := range f.provs {
		p := f.m.prov[name]
		if p.unbonding > 0 && p.unbondAt <= height {
			f.m.bal[name] += p.unbonding
			p.unbonding, p.unbondAt = 0, 0
		}
	}
}

// gen makes one transaction, predicting its code and applying its
// effects to the model as the ledger must.
func (f *fuzzRun) gen() pending {
	m := f.m
	r := f.r
	switch k := r.IntN(100); {
	case k < 18: // transfer
		from, to := f.name(f.users), f.name(append(f.users, f.provs...))
		amt := f.amount(m.bal[from])
		tx := f.signNext(from, &MsgTransfer{To: f.h.addr(to), Amount: amt})
		if m.bal[from] < amt {
			return pending{kind: "transfer overdraft", raw: tx, want: CodeInsufficientFund}
		}
		m.bal[from] -= amt
		m.bal[to] += amt
		return pending{kind: "transfer", raw: tx}
	case k < 33: // lock
		owner, arb := f.name(f.users), f.name(f.arbs)
		amt := f.amount(m.bal[owner])
		n := m.nonce[owner]
		exp := 1 + r.Int64N(30)
		if r.IntN(10) == 0 { // an arbiter the chain does not know, or the owner itself
			other := f.name(f.users)
			tx := f.signNext(owner, &MsgLock{Arbiter: f.h.addr(other), Amount: amt, ExpiresIn: exp})
			if other == owner {
				return pending{kind: "lock self-arbitrated", raw: tx, want: CodeInvalid}
			}
			return pending{kind: "lock unknown arbiter", raw: tx, want: CodeUnauthorized}
		}
		tx := f.signNext(owner, &MsgLock{Arbiter: f.h.addr(arb), Amount: amt, ExpiresIn: exp})
		if m.bal[owner] < amt {
			return pending{kind: "lock overdraft", raw: tx, want: CodeInsufficientFund}
		}
		id := EscrowID(f.h.acct(owner).PublicKey(), n)
		m.bal[owner] -= amt
		m.escrows[id] = &modelEscrow{id: id, owner: owner, arbiter: arb, amount: amt, state: EscrowOpen, expiresAt: f.height + exp}
		m.order = append(m.order, id)
		return pending{kind: "lock", raw: tx}
	case k < 43: // assign
		e := f.pickEscrow(EscrowOpen)
		if e == nil {
			return f.gen()
		}
		signer := e.arbiter
		if r.IntN(8) == 0 {
			signer = f.name(append(f.arbs, f.users...))
		}
		job := fmt.Sprintf("job-%d", r.IntN(1<<30))
		if r.IntN(8) == 0 && len(m.jobs) > 0 {
			job = f.anyJob()
		}
		tx := f.signNext(signer, &MsgAssign{Escrow: e.id, Job: job})
		switch {
		case signer != e.arbiter:
			return pending{kind: "assign by a stranger", raw: tx, want: CodeUnauthorized}
		case e.state != EscrowOpen:
			return pending{kind: "assign twice", raw: tx, want: CodeConflict}
		case m.jobs[e.arbiter+"/"+job] != "":
			return pending{kind: "assign a taken job", raw: tx, want: CodeConflict}
		}
		e.state, e.job = EscrowAssigned, job
		m.jobs[e.arbiter+"/"+job] = e.id
		return pending{kind: "assign", raw: tx}
	case k < 60: // settle
		return f.genSettle()
	case k < 65: // expire
		e := f.pickEscrow(EscrowOpen)
		if e == nil {
			return f.gen()
		}
		who := f.name(f.users)
		tx := f.signNext(who, &MsgExpire{Escrow: e.id})
		switch {
		case e.state != EscrowOpen && e.state != EscrowAssigned:
			return pending{kind: "expire a closed escrow", raw: tx, want: CodeConflict}
		case f.height < e.expiresAt:
			return pending{kind: "expire early", raw: tx, want: CodeConflict}
		}
		m.bal[e.owner] += e.amount
		e.state = EscrowExpired
		return pending{kind: "expire", raw: tx, escrow: e.id}
	case k < 70: // mint
		sender := "Bridge"
		if r.IntN(5) == 0 {
			sender = f.name(f.users)
		}
		ref := fmt.Sprintf("dot:%d", r.IntN(1<<30))
		if r.IntN(5) == 0 && len(m.refs) > 0 {
			ref = f.anyRef()
		}
		to, amt := f.name(f.users), 1+r.Int64N(100*USD)
		tx := f.signNext(sender, &MsgMint{To: f.h.addr(to), Amount: amt, Ref: ref})
		switch {
		case sender != "Bridge":
			return pending{kind: "mint by a stranger", raw: tx, want: CodeUnauthorized}
		case m.refs[ref]:
			return pending{kind: "mint a ref twice", raw: tx, want: CodeConflict}
		}
		m.refs[ref] = true
		m.bal[to] += amt
		m.minted += amt
		return pending{kind: "mint", raw: tx}
	case k < 74: // burn
		who := f.name(f.users)
		amt := f.amount(m.bal[who])
		tx := f.signNext(who, &MsgBurn{Amount: amt, Dest: "dot"})
		if m.bal[who] < amt {
			return pending{kind: "burn overdraft", raw: tx, want: CodeInsufficientFund}
		}
		m.bal[who] -= amt
		m.burned += amt
		return pending{kind: "burn", raw: tx}
	case k < 82: // provider lifecycle
		return f.genProvider()
	case k < 88: // replay
		if len(f.sent) == 0 {
			return f.gen()
		}
		return pending{kind: "replay", raw: f.sent[r.IntN(len(f.sent))], want: CodeBadNonce}
	case k < 92: // a flipped signature bit, or another key's signature
		who := f.name(f.users)
		tx := f.h.sign(who, m.nonce[who], &MsgTransfer{To: f.h.addr(f.name(f.users)), Amount: 1})
		if r.IntN(2) == 0 {
			tx[len(tx)-1-r.IntN(sigLen)] ^= 1 << r.IntN(8)
			return pending{kind: "bad signature", raw: tx, want: CodeBadSignature}
		}
		payload, _ := marshal(&MsgTransfer{To: f.h.addr(who), Amount: 1})
		other := f.h.acct(f.name(f.arbs))
		tx = rawTx(other, testChain, m.nonce[who], TypeTransfer, payload)
		pub := f.h.acct(who).PublicKey()
		copy(tx[2+len(testChain):], pub[:])
		return pending{kind: "wrong signer", raw: tx, want: CodeBadSignature}
	case k < 95: // a nonce from the future
		who := f.name(f.users)
		return pending{kind: "future nonce", raw: f.h.sign(who, m.nonce[who]+1+uint64(r.IntN(3)), &MsgBurn{Amount: 1, Dest: "x"}), want: CodeBadNonce}
	case k < 97: // another chain
		who := f.name(f.users)
		tx, err := NewTx(f.h.acct(who), "opensky-elsewhere", m.nonce[who], &MsgBurn{Amount: 1, Dest: "x"})
		if err != nil {
			f.t.Fatal(err)
		}
		return pending{kind: "wrong chain", raw: tx, want: CodeWrongChain}
	default: // garbage
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return pending{kind: "garbage", raw: b, want: CodeMalformed}
	}
}

// pickEscrow returns a random escrow, mostly one in state (or open or
// assigned), sometimes any, so that closed ones are retried.
func (f *fuzzRun) pickEscrow(prefer string) *modelEscrow {
	if len(f.m.order) == 0 {
		return nil
	}
	// Look at the recent ones first: that is where live escrows are.
	for range 8 {
		n := len(f.m.order)
		e := f.m.escrows[f.m.order[n-1-f.r.IntN(min(n, 40))]]
		if f.r.IntN(6) == 0 || e.state == prefer || (prefer == EscrowOpen && e.state == EscrowAssigned && f.r.IntN(2) == 0) {
			return e
		}
	}
	return f.m.escrows[f.m.order[f.r.IntN(len(f.m.order))]]
}

func (f *fuzzRun) anyJob() string {
	jobs := make([]string, 0, len(f.m.jobs))
	for j := range f.m.jobs {
		jobs = append(jobs, j)
	}
	slices.Sort(jobs)
	_, job, _ := strings.Cut(jobs[f.r.IntN(len(jobs))], "/") // keys are arbiter/job
	return job
}

func (f *fuzzRun) anyRef() string {
	refs := make([]string, 0, len(f.m.refs))
	for r := range f.m.refs {
		refs = append(refs, r)
	}
	slices.Sort(refs)
	return refs[f.r.IntN(len(refs))]
}

func (f *fuzzRun) genSettle() pending {
	m, r := f.m, f.r
	e := f.pickEscrow(EscrowAssigned)
	if e == nil {
		return f.gen()
	}
	signer := e.arbiter
	if r.IntN(10) == 0 {
		signer = f.name(append(f.arbs, f.users...))
	}
	job := e.job
	if job == "" || r.IntN(10) == 0 {
		job = fmt.Sprintf("job-%d", r.IntN(1<<30))
		if r.IntN(3) == 0 && len(m.jobs) > 0 {
			job = f.anyJob()
		}
	}
	msg := &MsgSettle{Escrow: e.id, Job: job, Outcome: OutcomeCompleted}
	budget := e.amount * int64(80+r.IntN(20)) / 100
	if r.IntN(10) == 0 {
		budget = e.amount // too much once the fee is added
	}
	n := r.IntN(4)
	for i := range n {
		amt := budget / int64(n)
		if i == n-1 {
			amt = budget - amt*int64(n-1)
		}
		msg.Payouts = append(msg.Payouts, Payout{Peer: f.h.peerID(f.name(f.provs)), Task: fmt.Sprintf("t%d", i), Amount: amt, PricePerCPUSecond: 1 + r.Int64N(100)})
	}
	if r.IntN(4) == 0 {
		kind := FaultLost
		if r.IntN(2) == 0 {
			kind = FaultWrongResult
		}
		msg.Faults = append(msg.Faults, Fault{Peer: f.h.peerID(f.name(f.provs)), Task: "f0", Kind: kind})
		if len(msg.Payouts) == 0 {
			msg.Outcome = OutcomeFailed
		}
	}
	tx := f.signNext(signer, msg)
	known := func(peer string) bool {
		for _, p := range f.provs {
			if f.h.peerID(p) == peer {
				return m.prov[p].registered
			}
		}
		return false
	}
	var paid int64
	for _, p := range msg.Payouts {
		paid += p.Amount
	}
	fee := modelFee(paid, m.params.FeeBps)
	switch {
	case signer != e.arbiter:
		return pending{kind: "settle by a stranger", raw: tx, want: CodeUnauthorized}
	case e.state != EscrowOpen && e.state != EscrowAssigned:
		return pending{kind: "settle twice", raw: tx, want: CodeConflict}
	case e.state == EscrowAssigned && e.job != job:
		return pending{kind: "settle another job", raw: tx, want: CodeConflict}
	case e.state == EscrowOpen && m.jobs[e.arbiter+"/"+job] != "":
		return pending{kind: "settle with a taken job", raw: tx, want: CodeConflict}
	}
	for _, p := range msg.Payouts {
		if !known(p.Peer) {
			return pending{kind: "settle paying an unknown peer", raw: tx, want: CodeNotFound}
		}
	}
	if paid+fee > e.amount {
		return pending{kind: "settle over the amount", raw: tx, want: CodeInsufficientFund}
	}
	for _, fl := range msg.Faults {
		if !known(fl.Peer) {
			return pending{kind: "settle faulting an unknown peer", raw: tx, want: CodeNotFound}
		}
	}
	for _, p := range msg.Payouts {
		for _, name := range f.provs {
			if f.h.peerID(name) == p.Peer {
				m.bal[name] += p.Amount
			}
		}
	}
	var slashed int64
	for _, fl := range msg.Faults {
		if fl.Kind != FaultWrongResult {
			continue
		}
		for _, name := range f.provs {
			if f.h.peerID(name) != fl.Peer {
				continue
			}
			p := m.prov[name]
			cut := modelSlash(p.stake+p.unbonding, m.params.SlashBps)
			fromStake := min(cut, p.stake)
			p.stake -= fromStake
			p.unbonding -= cut - fromStake
			slashed += cut
		}
	}
	m.treasury += fee
	m.bal[e.owner] += e.amount - paid - fee + slashed
	e.state, e.job = EscrowSettled, job
	m.jobs[e.arbiter+"/"+job] = e.id
	kind := "settle"
	if slashed > 0 {
		kind = "settle with a slash"
	}
	return pending{kind: kind, raw: tx, escrow: e.id, job: e.arbiter + "/" + job}
}

func (f *fuzzRun) genProvider() pending {
	m, r := f.m, f.r
	name := f.name(f.provs)
	p := m.prov[name]
	switch r.IntN(4) {
	case 0, 1: // register
		stake := m.params.MinStake + r.Int64N(50*USD)
		if r.IntN(6) == 0 {
			stake = 1 + r.Int64N(m.params.MinStake)
		}
		tx := f.signNext(name, f.h.registerMsg(name, stake))
		switch {
		case p.active || p.unbonding > 0:
			return pending{kind: "register twice", raw: tx, want: CodeConflict}
		case stake < m.params.MinStake:
			return pending{kind: "register below the minimum", raw: tx, want: CodeInvalid}
		case m.bal[name] < stake:
			return pending{kind: "register overdraft", raw: tx, want: CodeInsufficientFund}
		}
		m.bal[name] -= stake
		p.registered, p.active, p.stake = true, true, stake
		return pending{kind: "register", raw: tx}
	case 2: // update
		add := r.Int64N(20 * USD)
		tx := f.signNext(name, &MsgUpdateProvider{AddStake: add, PricePerCPUSecond: r.Int64N(100)})
		switch {
		case !p.active:
			return pending{kind: "update an inactive provider", raw: tx, want: CodeNotFound}
		case m.bal[name] < add:
			return pending{kind: "update overdraft", raw: tx, want: CodeInsufficientFund}
		}
		m.bal[name] -= add
		p.stake += add
		return pending{kind: "update", raw: tx}
	default: // unregister
		if r.IntN(3) != 0 { // keep providers around most of the time
			return f.gen()
		}
		tx := f.signNext(name, &MsgUnregister{})
		if !p.active {
			return pending{kind: "unregister an inactive provider", raw: tx, want: CodeNotFound}
		}
		p.active = false
		p.unbonding += p.stake
		p.stake = 0
		p.unbondAt = f.height + m.params.UnbondingBlocks
		return pending{kind: "unregister", raw: tx}
	}
}

// compare checks the ledger's committed state against the model and
// returns what differs.
func (f *fuzzRun) compare(l *Ledger, full bool) []string {
	var bad []string
	m := f.m
	var held int64
	for name, want := range m.bal {
		a, _ := getAccount(l.st, f.h.addr(name))
		if a.Balance != want {
			bad = append(bad, fmt.Sprintf("%s has %d, the model says %d", name, a.Balance, want))
		}
		if a.Balance < 0 {
			bad = append(bad, fmt.Sprintf("%s has a negative balance %d", name, a.Balance))
		}
		if a.Nonce != m.nonce[name] {
			bad = append(bad, fmt.Sprintf("%s's nonce is %d, the model says %d", name, a.Nonce, m.nonce[name]))
		}
		held += a.Balance
	}
	for _, name := range f.provs {
		want := m.prov[name]
		p, ok := getProvider(l.st, f.h.addr(name))
		if ok != want.registered || p.Active != want.active || p.Stake != want.stake || p.Unbonding != want.unbonding {
			bad = append(bad, fmt.Sprintf("provider %s is %+v, the model says %+v", name, p, *want))
		}
		held += p.Stake + p.Unbonding
	}
	for _, id := range m.order {
		want := m.escrows[id]
		if want.closes > 1 {
			bad = append(bad, fmt.Sprintf("escrow %s closed %d times", id, want.closes))
		}
		if !full && (want.state == EscrowSettled || want.state == EscrowExpired) {
			continue
		}
		e, ok := getEscrow(l.st, id)
		if !ok || e.State != want.state || e.Amount != want.amount || e.Job != want.job {
			bad = append(bad, fmt.Sprintf("escrow %s is %+v, the model says %+v", id, e, *want))
		}
		closed := e.State == EscrowSettled || e.State == EscrowExpired
		if closed != (want.closes == 1) {
			bad = append(bad, fmt.Sprintf("escrow %s is %s but closed %d times in the results", id, e.State, want.closes))
		}
		if e.Holds() {
			held += e.Amount
		}
	}
	for job, n := range m.jobSettle {
		if n > 1 {
			bad = append(bad, fmt.Sprintf("job %s settled %d times", job, n))
		}
	}
	tr := getTreasury(l.st).Balance
	if tr != m.treasury {
		bad = append(bad, fmt.Sprintf("treasury holds %d, the model says %d", tr, m.treasury))
	}
	held += tr
	// Every escrow that holds money was summed above (closed ones hold
	// nothing), so held is everything on the chain.
	if supply := m.genesis + m.minted - m.burned; held != supply {
		bad = append(bad, fmt.Sprintf("supply not conserved: the chain holds %d, genesis + minted - burned is %d", held, supply))
	}
	if s := getSupply(l.st); s.Minted != m.minted || s.Burned != m.burned || s.Genesis != m.genesis {
		bad = append(bad, fmt.Sprintf("supply record %+v, the model says minted %d burned %d", s, m.minted, m.burned))
	}
	return bad
}

func newFuzzRun(t *testing.T, seed uint64) *fuzzRun {
	f := &fuzzRun{t: t, r: rand.New(rand.NewPCG(seed, 0x05c1)), stats: map[string]map[Code]int{}}
	for i := range 20 {
		f.users = append(f.users, fmt.Sprintf("User%02d", i))
	}
	for i := range 5 {
		f.provs = append(f.provs, fmt.Sprintf("Prov%d", i))
	}
	f.arbs = []string{"Arb0", "Arb1"}
	names := slices.Concat(f.users, f.provs, f.arbs, []string{"Bridge"})
	f.h = newHarness(t, withAccounts(names...), withParams(func(p *Params) {
		p.UnbondingBlocks = 15
		p.FeeBps = 250
		p.Arbiters = []string{devAccount(t, "Arb0").Address(), devAccount(t, "Arb1").Address()}
	}))
	f.h.checkInvariants = false // step checks them once per block
	f.m = &model{params: getParams(f.h.l.st), bal: map[string]int64{}, nonce: map[string]uint64{}, prov: map[string]*modelProvider{},
		escrows: map[string]*modelEscrow{}, jobs: map[string]string{}, jobSettle: map[string]int{}, refs: map[string]bool{}}
	for _, n := range names {
		f.m.bal[n] = testFunds
		f.m.genesis += testFunds
	}
	for _, p := range f.provs {
		f.m.prov[p] = &modelProvider{}
	}
	return f
}

// step generates and applies one block of n transactions and checks it.
func (f *fuzzRun) step(n int, full bool) {
	t := f.t
	t.Helper()
	f.beginBlock(f.h.l.Height() + 1)
	txs := make([]pending, n)
	raws := make([][]byte, n)
	for i := range txs {
		txs[i] = f.gen()
		raws[i] = txs[i].raw
	}
	// CheckTx agrees with DeliverTx until the block's first authentic
	// transaction that fails: DeliverTx uses its nonce, CheckTx leaves it
	// free, and from then on the two views differ.
	checked := make([]Result, n)
	for i, raw := range raws {
		checked[i] = f.h.l.CheckTx(raw)
	}
	diverged := false
	res := f.h.block(raws...)
	for i, p := range txs {
		got := res[i].Code
		if f.stats[p.kind] == nil {
			f.stats[p.kind] = map[Code]int{}
		}
		f.stats[p.kind][got]++
		if got != p.want {
			t.Fatalf("height %d tx %d (%s): got %v (%s), the model says %v", f.height, i, p.kind, got, res[i].Log, p.want)
		}
		if !diverged && checked[i].Code != got {
			t.Fatalf("height %d tx %d (%s): CheckTx said %v, DeliverTx %v", f.height, i, p.kind, checked[i].Code, got)
		}
		switch got {
		case CodeInsufficientFund, CodeUnauthorized, CodeNotFound, CodeConflict, CodeInvalid:
			diverged = true
			fallthrough
		case CodeOK:
			if p.kind != "replay" {
				f.sent = append(f.sent, p.raw)
			}
		}
		if got == CodeOK && p.escrow != "" {
			f.m.escrows[p.escrow].closes++
			if p.job != "" {
				f.m.jobSettle[p.job]++
			}
		}
	}
	if rep := f.h.l.CheckInvariants(); !rep.OK() {
		t.Fatalf("height %d: %v", f.height, rep.Problems)
	}
	if bad := f.compare(f.h.l, full); len(bad) != 0 {
		t.Fatalf("height %d: the ledger and the model disagree:\n%s", f.height, strings.Join(bad, "\n"))
	}
}

func TestInvariantsUnderRandomTraffic(t *testing.T) {
	blocks, perBlock := 240, 15 // about 3,800 transactions
	if raceEnabled {
		blocks = 120
	}
	if testing.Short() {
		blocks = 40
	}
	for _, seed := range []uint64{1} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			f := newFuzzRun(t, seed)
			// Three providers register first; the others come and go.
			f.beginBlock(1)
			var first [][]byte
			for _, p := range f.provs[:3] {
				stake := 100 * USD
				first = append(first, f.signNext(p, f.h.registerMsg(p, stake)))
				f.m.bal[p] -= stake
				*f.m.prov[p] = modelProvider{registered: true, active: true, stake: stake}
			}
			f.h.ok(first...)
			for b := range blocks {
				f.step(1+f.r.IntN(2*perBlock), b%20 == 19)
			}
			f.height = f.h.l.Height()
			if bad := f.compare(f.h.l, true); len(bad) != 0 {
				t.Fatalf("at the end:\n%s", strings.Join(bad, "\n"))
			}
			total, kinds := 0, slices.Sorted(func(yield func(string) bool) {
				for k := range f.stats {
					if !yield(k) {
						return
					}
				}
			})
			for _, k := range kinds {
				for c, n := range f.stats[k] {
					total += n
					t.Logf("%-32s %-18v %d", k, c, n)
				}
			}
			t.Logf("%d transactions in %d blocks", total, f.h.l.Height())
			for _, must := range []string{"settle", "settle twice", "expire", "expire early", "replay", "transfer overdraft",
				"bad signature", "wrong signer", "register", "unregister", "settle over the amount", "mint a ref twice",
				"settle with a slash", "settle by a stranger", "assign twice"} {
				if f.stats[must][f.wantOf(must)] == 0 {
					t.Errorf("the run never exercised %q", must)
				}
			}
		})
	}
}

// wantOf is the code every transaction of kind must get.
func (f *fuzzRun) wantOf(kind string) Code {
	for c := range f.stats[kind] {
		return c
	}
	return CodeOK
}

// corrupt writes v at key of the committed state, bypassing every rule.
func corrupt(l *Ledger, key string, v any) {
	l.st.mu.Lock()
	defer l.st.mu.Unlock()
	if v == nil {
		delete(l.st.data, key)
		return
	}
	l.st.data[key] = mustMarshal(v)
}

// The invariant checks can fail: each corruption is reported.
func TestCheckInvariantsDetectsCorruption(t *testing.T) {
	setup := func(t *testing.T) (*harness, string) {
		h, id := settleSetup(t, 10*USD)
		tx, id2 := h.lock("Bob", "Orch", 5*USD, 100)
		h.ok(tx, h.settle("Orch", &MsgSettle{Escrow: id, Job: "job-1", Outcome: OutcomeCompleted, Payouts: []Payout{h.pay("P1", "t", USD)}}))
		if r := h.l.CheckInvariants(); !r.OK() || r.Escrows != 2 || r.Settled != 1 {
			t.Fatalf("before corruption: %+v", r)
		}
		return h, id2
	}
	cases := []struct {
		name, want string
		do         func(h *harness, open string)
	}{
		{"money from nowhere", "supply not conserved", func(h *harness, _ string) {
			a := h.account("Alice")
			a.Balance++
			corrupt(h.l, prefAccount+a.Address, a)
		}},
		{"negative balance", "balance of " + devAccount(t, "Bob").Address() + " is negative", func(h *harness, _ string) {
			a, b := h.account("Alice"), h.account("Bob")
			a.Balance += b.Balance + 5
			b.Balance = -5
			corrupt(h.l, prefAccount+a.Address, a)
			corrupt(h.l, prefAccount+b.Address, b)
		}},
		{"stake vanished", "supply not conserved", func(h *harness, _ string) {
			p := h.provider("P2")
			p.Stake = 0
			corrupt(h.l, prefProvider+p.Address, p)
		}},
		{"escrow paid out twice", "held", func(h *harness, _ string) {
			e := h.escrow(EscrowID(h.acct("Alice").PublicKey(), 0))
			e.Refunded += e.Paid
			corrupt(h.l, prefEscrow+e.ID, e)
		}},
		{"open escrow closed without payment", "supply not conserved", func(h *harness, open string) {
			e := h.escrow(open)
			e.State = EscrowSettled
			e.Refunded = e.Amount
			corrupt(h.l, prefEscrow+e.ID, e)
		}},
		{"job index points elsewhere", "job-1 points to escrow", func(h *harness, open string) {
			corrupt(h.l, jobKey(h.addr("Orch"), "job-1"), open)
		}},
		{"peer index lost", "does not point back", func(h *harness, _ string) {
			corrupt(h.l, prefPeer+h.peerID("P3"), nil)
		}},
		{"treasury negative", "treasury is negative", func(h *harness, _ string) {
			tr := getTreasury(h.l.st)
			a := h.account("Alice")
			a.Balance += tr.Balance + 7
			tr.Balance = -7
			corrupt(h.l, keyTreasury, tr)
			corrupt(h.l, prefAccount+a.Address, a)
		}},
		{"supply record edited", "supply not conserved", func(h *harness, _ string) {
			s := getSupply(h.l.st)
			s.Minted += USD
			corrupt(h.l, keySupply, s)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, open := setup(t)
			c.do(h, open)
			r := h.l.CheckInvariants()
			if r.OK() {
				t.Fatalf("the corruption went unnoticed: %+v", r)
			}
			if !slices.ContainsFunc(r.Problems, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Fatalf("problems %q do not mention %q", r.Problems, c.want)
			}
			q, err := h.l.Query(QueryInvariants)
			if err != nil || q.(Report).OK() {
				t.Fatalf("the invariants query: %+v %v", q, err)
			}
		})
	}
}

// The model catches what the invariants cannot: a balance moved between
// accounts without a transaction conserves supply but not the model.
func TestModelDetectsCorruption(t *testing.T) {
	f := newFuzzRun(t, 7)
	for range 5 {
		f.step(10, true)
	}
	a, b := f.h.account("User00"), f.h.account("User01")
	a.Balance--
	b.Balance++
	corrupt(f.h.l, prefAccount+a.Address, a)
	corrupt(f.h.l, prefAccount+b.Address, b)
	if r := f.h.l.CheckInvariants(); !r.OK() {
		t.Fatalf("a conserving move broke the invariants: %v", r.Problems)
	}
	bad := f.compare(f.h.l, true)
	if len(bad) != 2 || !strings.Contains(bad[0]+bad[1], "User00 has") {
		t.Fatalf("the model reported %q", bad)
	}
}
