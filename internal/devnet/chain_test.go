package devnet

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/gateway"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

func withChain(o *Options) { o.Chain = true }

func devAccount(t *testing.T, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// as is ctx acting for the dev account uri, as the gateway does for an
// authenticated request: a paid job is submitted as its escrow's owner.
func as(t *testing.T, ctx context.Context, uri string) context.Context {
	t.Helper()
	return auth.WithAccount(ctx, devAccount(t, uri).Address())
}

func balance(t *testing.T, lc *ledgerclient.Client, addr string) int64 {
	t.Helper()
	a, err := lc.Account(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance
}

// waitSettled waits until the orchestrator recorded the job's settlement.
func waitSettled(t *testing.T, o *orchestrator.Orchestrator, id string) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var after uint64
	for {
		j, err := o.WaitJob(ctx, id, after)
		if err != nil {
			t.Fatalf("job %s not settled: %v", id, err)
		}
		if j.Payment != nil && j.Payment.State != api.PaymentHeld {
			return j
		}
		after = j.Version
	}
}

// TestPaidJobSettlesOnChain runs a replicated job paid from escrow on a
// network whose gateway is a real CometBFT validator: the providers are
// paid exactly what their receipts charge, the fee reaches the treasury,
// the rest returns to the consumer, the escrow cannot be settled or used
// again, and the chain's invariants hold.
func TestPaidJobSettlesOnChain(t *testing.T) {
	net := startNet(t, 3, withChain)
	ctx := context.Background()
	o, lc := net.Gateway.Orchestrator, net.Gateway.Ledger
	arbiter := net.Gateway.Account

	carol := devAccount(t, "//Carol")
	if _, err := lc.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: carol.Address(), Amount: 50 * ledger.USD}); err != nil {
		t.Fatal(err)
	}
	module := upload(t, o, wasmtest.Print(1, "paid for\n"))
	s := wasmJob(module, 2)
	s.Replicas = 2
	asCarol := as(t, ctx, "//Carol")

	if _, err := o.SubmitJob(asCarol, s); !errors.Is(err, gateway.ErrPaymentRequired) {
		t.Fatalf("a job without escrow: got %v, want payment required", err)
	}

	// An escrow that would expire before the job could be settled is
	// refused: anyone may return it to its owner once it expires.
	short, err := lc.Sender(carol).Send(ctx, &ledger.MsgLock{Arbiter: arbiter.Address(), Amount: ledger.USD, ExpiresIn: 50})
	if err != nil {
		t.Fatal(err)
	}
	s.Escrow = string(short.Data)
	if _, err := o.SubmitJob(asCarol, s); !errors.Is(err, gateway.ErrPaymentRequired) || !strings.Contains(err.Error(), "expires in") {
		t.Fatalf("a job on an escrow about to expire: %v", err)
	}
	if e, _ := lc.Escrow(ctx, s.Escrow); e.State != ledger.EscrowOpen {
		t.Fatalf("a refused escrow was bound: %+v", e)
	}
	// A lock naming someone who is not an arbiter never gets on the chain.
	if _, err := lc.Sender(carol).Send(ctx, &ledger.MsgLock{Arbiter: carol.Address(), Amount: ledger.USD, ExpiresIn: 100_000}); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("a self-arbitrated escrow: %v", err)
	}

	const locked = 2 * ledger.USD
	r, err := lc.Sender(carol).Send(ctx, &ledger.MsgLock{Arbiter: arbiter.Address(), Amount: locked, ExpiresIn: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	escrow := string(r.Data)
	providerBefore := map[string]int64{}
	for i := range net.Providers {
		a := devAccount(t, ProviderURI(i)).Address()
		providerBefore[a] = balance(t, lc, a)
	}
	supplyBefore := supply(t, lc)

	s.Escrow = escrow
	// Escrow IDs are public: nobody else, and nobody unauthenticated, may
	// spend Carol's.
	for _, c := range []context.Context{ctx, as(t, ctx, "//Dave")} {
		if _, err := o.SubmitJob(c, s); !errors.Is(err, gateway.ErrPaymentRequired) {
			t.Fatalf("a job on someone else's escrow: %v, want payment required", err)
		}
	}
	if e, _ := lc.Escrow(ctx, escrow); e.State != ledger.EscrowOpen {
		t.Fatalf("a refused job bound the escrow: %+v", e)
	}
	j := runAs(t, asCarol, o, s)
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("job ended %s (%s: %s)", j.Phase, j.ErrorCode, j.Reason)
	}
	j = waitSettled(t, o, j.ID)
	if j.Payment.State != api.PaymentSettled {
		t.Fatalf("payment %+v", j.Payment)
	}

	e, err := lc.Escrow(ctx, escrow)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != ledger.EscrowSettled || e.Job != j.ID || e.Outcome != ledger.OutcomeCompleted {
		t.Fatalf("escrow after the job: %+v", e)
	}
	owed := map[string]int64{}
	var cost int64
	holders := map[int]map[string]bool{}
	for _, task := range j.Tasks {
		if holders[task.Shard] == nil {
			holders[task.Shard] = map[string]bool{}
		}
		if holders[task.Shard][task.Provider] {
			t.Errorf("two replicas of shard %d ran on %s", task.Shard, task.Provider)
		}
		holders[task.Shard][task.Provider] = true
		p, err := lc.Provider(ctx, task.Provider)
		if err != nil {
			t.Fatalf("task %s ran on %s: %v", task.ID, task.Provider, err)
		}
		t.Logf("task %s on %s (account %s) charged %d", task.ID, task.Provider, p.Address, task.Price)
		owed[p.Address] += task.Price
		cost += task.Price
	}
	if cost <= 0 || e.Paid != cost || e.Paid != j.Cost || e.Paid != j.Payment.Paid {
		t.Fatalf("paid %d, tasks cost %d, job cost %d, job payment %+v", e.Paid, cost, j.Cost, j.Payment)
	}
	if want := ledger.Fee(cost, ledger.DefaultParams().FeeBps); e.Fee != want || e.Refunded != locked-cost-want {
		t.Fatalf("fee %d refunded %d; want fee %d refunded %d", e.Fee, e.Refunded, want, locked-cost-want)
	}
	for addr, before := range providerBefore {
		if got := balance(t, lc, addr) - before; got != owed[addr] {
			t.Errorf("provider %s earned %d, its tasks charged %d", addr, got, owed[addr])
		}
	}
	if got := balance(t, lc, carol.Address()); got != 50*ledger.USD-ledger.USD-locked+e.Refunded {
		t.Errorf("consumer balance %d, want %d", got, 50*ledger.USD-ledger.USD-locked+e.Refunded)
	}
	supplyAfter := supply(t, lc)
	if supplyAfter.Treasury-supplyBefore.Treasury != e.Fee || supplyAfter.Total != supplyBefore.Total {
		t.Errorf("treasury %d → %d (fee %d), supply %d → %d", supplyBefore.Treasury, supplyAfter.Treasury, e.Fee, supplyBefore.Total, supplyAfter.Total)
	}

	// Exactly once: the arbiter cannot settle again, and the escrow cannot
	// pay for another job.
	again := ledgerclient.NewArbiter(lc, arbiter)
	if _, _, err := again.Settle(ctx, ledger.MsgSettle{Escrow: escrow, Job: j.ID, Outcome: ledger.OutcomeCompleted}); !errors.Is(err, ledger.ErrConflict) {
		t.Errorf("second settlement: %v, want a conflict", err)
	}
	if _, err := o.SubmitJob(asCarol, s); !errors.Is(err, gateway.ErrPaymentRequired) {
		t.Errorf("a second job on a settled escrow: %v, want payment required", err)
	}
	t.Logf("escrow %s: locked %d, paid %d to %d providers, fee %d, refunded %d", escrow, locked, e.Paid, len(owed), e.Fee, e.Refunded)
	rep, err := lc.Invariants(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("invariants: %v %+v", err, rep)
	}
	for addr := range owed {
		p, _ := lc.Provider(ctx, addr)
		if p.Reputation.Successes == 0 || p.Score <= 500_000 {
			t.Errorf("provider %s: reputation %+v after verified work", addr, p.Reputation)
		}
	}
}

// lockedBuffer is a log sink that several goroutines write.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestOpenGatewayOnAChainSpendsNoEscrow: a gateway without
// authentication on a network that charges warns when it starts, and
// refuses a job that names an account's escrow, whose ID is public on
// the chain, without binding it.
func TestOpenGatewayOnAChainSpendsNoEscrow(t *testing.T) {
	var logs lockedBuffer
	net := startNet(t, 1, withChain, func(o *Options) {
		o.NoAuth = true
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	if !strings.Contains(logs.String(), "gateway authentication is off on a network that charges for jobs") {
		t.Errorf("no warning at start; the log:\n%s", logs.String())
	}
	ctx := context.Background()
	lc := net.Gateway.Ledger
	escrow := lockEscrow(t, net, "//Carol")
	s := wasmJob(upload(t, net.Gateway.Orchestrator, wasmtest.Print(1, "free ride\n")), 1)
	s.Escrow = escrow
	_, err := api.NewClient(net.URL).SubmitJob(ctx, s)
	var ae *api.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusPaymentRequired || !strings.Contains(ae.Body.Message, "submit it as the account that locked the escrow") {
		t.Fatalf("an unauthenticated job on Carol's escrow: %v, want 402", err)
	}
	if e, err := lc.Escrow(ctx, escrow); err != nil || e.State != ledger.EscrowOpen || e.Job != "" {
		t.Fatalf("escrow after the refusal: %+v (%v)", e, err)
	}
}

func supply(t *testing.T, lc *ledgerclient.Client) ledger.SupplyView {
	t.Helper()
	var v ledger.SupplyView
	if err := lc.Query(context.Background(), ledger.QuerySupply, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestChainSurvivesGatewayRestart restarts the validator: balances,
// height and the job's settlement are kept, and new transactions commit.
func TestChainSurvivesGatewayRestart(t *testing.T) {
	net := startNet(t, 1, withChain)
	ctx := context.Background()
	dave := devAccount(t, "//Dave")
	if _, err := net.Gateway.Ledger.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: dave.Address(), Amount: 7 * ledger.USD}); err != nil {
		t.Fatal(err)
	}
	before, err := net.Gateway.Ledger.Chain().Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := net.Gateway.Config()
	if err := net.Gateway.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := net.RestartGateway(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := balance(t, g.Ledger, dave.Address()); got != 7*ledger.USD {
		t.Fatalf("after restart dave has %d", got)
	}
	if _, err := g.Ledger.Sender(dave).Send(ctx, &ledger.MsgTransfer{To: devAccount(t, FaucetURI).Address(), Amount: ledger.USD}); err != nil {
		t.Fatal(err)
	}
	after, err := g.Ledger.Chain().Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Height <= before.Height {
		t.Fatalf("height %d after restart, %d before", after.Height, before.Height)
	}
}

// TestThreeValidatorsAgree runs a paid job on a chain of three validators
// (the gateway and two validator-only nodes): the job settles, and every
// validator reports the same state root at every height.
func TestThreeValidatorsAgree(t *testing.T) {
	net := startNet(t, 2, withChain, func(o *Options) { o.Validators = 2 })
	ctx := context.Background()
	o, lc := net.Gateway.Orchestrator, net.Gateway.Ledger
	erin := devAccount(t, "//Erin")
	if _, err := lc.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: erin.Address(), Amount: 5 * ledger.USD}); err != nil {
		t.Fatal(err)
	}
	r, err := lc.Sender(erin).Send(ctx, &ledger.MsgLock{Arbiter: net.Gateway.Account.Address(), Amount: ledger.USD, ExpiresIn: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	s := wasmJob(upload(t, o, wasmtest.Print(1, "three validators\n")), 1)
	s.Replicas = 2
	s.Escrow = string(r.Data)
	j := runAs(t, as(t, ctx, "//Erin"), o, s)
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("job ended %s (%s: %s)", j.Phase, j.ErrorCode, j.Reason)
	}
	j = waitSettled(t, o, j.ID)
	if j.Payment.State != api.PaymentSettled || j.Payment.Paid != j.Cost {
		t.Fatalf("payment %+v, cost %d", j.Payment, j.Cost)
	}
	nodes := []*ledgerclient.Client{lc}
	for _, v := range net.Validators {
		nodes = append(nodes, v.Ledger)
	}
	tip, err := lc.Chain().Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if err := n.Chain().WaitHeight(ctx, tip.Height); err != nil {
			t.Fatal(err)
		}
	}
	for h := int64(1); h <= tip.Height; h++ {
		want, err := lc.Chain().Header(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range nodes[1:] {
			got, err := n.Chain().Header(ctx, h)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.AppHash, want.AppHash) || !bytes.Equal(got.Hash, want.Hash) {
				t.Fatalf("height %d: validator %d has app hash %X, the gateway %X", h, i+1, got.AppHash, want.AppHash)
			}
		}
	}
	for i, n := range nodes {
		e, err := n.Escrow(ctx, s.Escrow)
		if err != nil || e.State != ledger.EscrowSettled {
			t.Errorf("validator %d sees escrow %+v (%v)", i, e, err)
		}
		if rep, err := n.Invariants(ctx); err != nil || !rep.OK() {
			t.Errorf("validator %d invariants: %v %+v", i, err, rep)
		}
	}
	t.Logf("%d validators agree on %d blocks", len(nodes), tip.Height)
}

// forger is a provider's executor that lies: it runs the task and adds a
// line to what the task printed, so its output root differs from honest
// replicas'.
type forger struct{ executor.Executor }

func (f forger) Run(ctx context.Context, t *executor.Task) (*executor.Result, error) {
	res, err := f.Executor.Run(ctx, t)
	if err == nil {
		res.Stdout = append(res.Stdout, "forged\n"...)
	}
	return res, err
}

// TestLiarIsSlashedAndConsumerCompensated runs one shard on three
// providers, one of which forges its result: the two that agree are paid
// their charges once, the liar loses reputation and a tenth of its stake,
// and that stake goes to the consumer.
func TestLiarIsSlashedAndConsumerCompensated(t *testing.T) {
	const liar = 2
	net := startNet(t, 3, withChain, func(o *Options) {
		o.WrapExecutor = func(i int, e executor.Executor) executor.Executor {
			if i == liar {
				return forger{e}
			}
			return e
		}
	})
	ctx := context.Background()
	o, lc := net.Gateway.Orchestrator, net.Gateway.Ledger
	frank := devAccount(t, "//Frank")
	if _, err := lc.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: frank.Address(), Amount: 5 * ledger.USD}); err != nil {
		t.Fatal(err)
	}
	const locked = ledger.USD
	r, err := lc.Sender(frank).Send(ctx, &ledger.MsgLock{Arbiter: net.Gateway.Account.Address(), Amount: locked, ExpiresIn: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]int64{}
	for i := range net.Providers {
		a := devAccount(t, ProviderURI(i)).Address()
		before[a] = balance(t, lc, a)
	}
	liarPeer := net.Providers[liar].Host.ID().String()
	liarAcct := devAccount(t, ProviderURI(liar)).Address()
	stake, err := lc.Provider(ctx, liarAcct)
	if err != nil {
		t.Fatal(err)
	}

	s := wasmJob(upload(t, o, wasmtest.Print(1, "the honest answer\n")), 1)
	s.Replicas = 3
	s.Escrow = string(r.Data)
	j := runAs(t, as(t, ctx, "//Frank"), o, s)
	j = waitSettled(t, o, j.ID)
	e, err := lc.Escrow(ctx, s.Escrow)
	if err != nil || e.State != ledger.EscrowSettled {
		t.Fatalf("escrow %+v (%v)", e, err)
	}
	wantSlash := stake.Stake * ledger.DefaultParams().SlashBps / 10000
	if e.Slashed != wantSlash || j.Payment.Slashed != wantSlash {
		t.Fatalf("slashed %d (job says %d), want %d of the liar's %d stake", e.Slashed, j.Payment.Slashed, wantSlash, stake.Stake)
	}
	var paid int64
	for _, task := range j.Tasks {
		acct, err := lc.Provider(ctx, task.Provider)
		if err != nil {
			t.Fatal(err)
		}
		gain := balance(t, lc, acct.Address) - before[acct.Address]
		switch {
		case task.Provider == liarPeer:
			if gain != 0 {
				t.Errorf("the liar gained %d", gain)
			}
		case gain != task.Price || task.Price <= 0:
			t.Errorf("honest provider %s gained %d for a task charging %d", acct.Address, gain, task.Price)
		default:
			paid += task.Price
		}
	}
	if paid != e.Paid {
		t.Errorf("honest tasks charged %d, the escrow paid %d", paid, e.Paid)
	}
	after, err := lc.Provider(ctx, liarAcct)
	if err != nil {
		t.Fatal(err)
	}
	if after.Stake != stake.Stake-wantSlash || after.Slashed != wantSlash || after.Reputation.Failures != 1 || after.Score >= 500_000 {
		t.Errorf("liar after settlement: %+v", after)
	}
	if got, want := balance(t, lc, frank.Address()), 5*ledger.USD-locked+e.Refunded+wantSlash; got != want {
		t.Errorf("consumer has %d, want %d (refund %d + slashed stake %d)", got, want, e.Refunded, wantSlash)
	}
	if rep, err := lc.Invariants(ctx); err != nil || !rep.OK() {
		t.Fatalf("invariants: %v %+v", err, rep)
	}
	t.Logf("job %s: %s; paid %d, fee %d, refunded %d, liar slashed %d to the consumer", j.ID, j.Phase, e.Paid, e.Fee, e.Refunded, e.Slashed)
}
