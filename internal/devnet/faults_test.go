package devnet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// spinRounds makes a task last several seconds (a round of wasmtest.Spin
// takes about two seconds on the wasm executor), long enough to kill its
// provider mid-run.
const spinRounds = 4

// settlementEvents reads the payouts and faults of the job's settlement
// transaction on the chain, as "task peer" and "peer kind" lists.
func settlementEvents(t *testing.T, net *Network, j *api.Job) (payouts, faults []string) {
	t.Helper()
	rs, _, err := net.Gateway.Ledger.Chain().TxSearch(context.Background(), fmt.Sprintf("tx.hash='%s'", strings.ToUpper(j.Payment.TxHash)), 1, 1)
	if err != nil || len(rs) != 1 {
		t.Fatalf("settlement tx %s: %v (%d found)", j.Payment.TxHash, err, len(rs))
	}
	for _, e := range rs[0].Events {
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
		switch e.Type {
		case "payout":
			payouts = append(payouts, attrs["task"]+" "+attrs["peer"])
		case "fault":
			faults = append(faults, attrs["peer"]+" "+attrs["kind"])
		}
	}
	return payouts, faults
}

// waitDispatched waits until the job's first task runs on a provider and
// returns that provider.
func waitDispatched(t *testing.T, o *orchestrator.Orchestrator, id string) string {
	t.Helper()
	rec := waitPhase(t, o, id, api.PhaseRunning)
	return rec.Tasks[0].Provider
}

// checkMovedAndPaidOnce checks that the job completed on another provider
// than lost, with the lost attempt in the task's history, and that the
// chain paid the task once, to the provider that finished it, and
// reported the lost one.
func checkMovedAndPaidOnce(t *testing.T, net *Network, j *api.Job, lost string) *api.Job {
	t.Helper()
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("job ended %s (%s): %s\n%+v", j.Phase, j.ErrorCode, j.Reason, j.Tasks)
	}
	tk := j.Tasks[0]
	if tk.Provider == lost || tk.Attempts != 2 || len(tk.History) != 2 {
		t.Fatalf("task: provider %s, %d attempts, history %+v", tk.Provider, tk.Attempts, tk.History)
	}
	if h := tk.History[0]; h.Provider != lost || h.ErrorCode != "provider_lost" || h.EndedAt.IsZero() {
		t.Fatalf("first attempt %+v", h)
	}
	if h := tk.History[1]; h.Provider != tk.Provider || h.Phase != api.PhaseCompleted {
		t.Fatalf("second attempt %+v", h)
	}
	j = waitSettled(t, net.Gateway.Orchestrator, j.ID)
	payouts, faults := settlementEvents(t, net, j)
	if len(payouts) != 1 || payouts[0] != tk.ID+" "+tk.Provider {
		t.Fatalf("payouts %q, want the task once, to %s", payouts, tk.Provider)
	}
	if len(faults) != 1 || faults[0] != lost+" "+ledger.FaultLost {
		t.Fatalf("faults %q, want %s lost", faults, lost)
	}
	e, err := net.Gateway.Ledger.Escrow(context.Background(), j.Payment.Escrow)
	if err != nil || e.State != ledger.EscrowSettled || e.Paid != tk.Price {
		t.Fatalf("escrow %+v (%v), want %d paid", e, err, tk.Price)
	}
	if rep, err := net.Gateway.Ledger.Invariants(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("invariants: %v %+v", err, rep)
	}
	return j
}

// paidJob funds a consumer, locks an escrow and returns a spinning job
// paid from it.
func paidJob(t *testing.T, net *Network, consumer string) spec.Job {
	t.Helper()
	s := wasmJob(upload(t, net.Gateway.Orchestrator, wasmtest.Spin(spinRounds, "spun\n")), 1)
	s.Resources.Timeout = spec.Duration(2 * time.Minute)
	s.Escrow = lockEscrow(t, net, consumer)
	return s
}

// lockEscrow funds a consumer and locks an escrow for one job.
func lockEscrow(t *testing.T, net *Network, consumer string) string {
	t.Helper()
	ctx := context.Background()
	lc := net.Gateway.Ledger
	c := devAccount(t, consumer)
	if _, err := lc.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: c.Address(), Amount: 5 * ledger.USD}); err != nil {
		t.Fatal(err)
	}
	r, err := lc.Sender(c).Send(ctx, &ledger.MsgLock{Arbiter: net.Gateway.Account.Address(), Amount: ledger.USD, ExpiresIn: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	return string(r.Data)
}

// TestKilledProviderTaskCompletesElsewhere cuts the network of the
// provider running a paid task and stops it: the task is matched again on
// another provider, the job completes there, and the chain pays the task
// once, to that provider, and reports the killed one lost.
func TestKilledProviderTaskCompletesElsewhere(t *testing.T) {
	net := startNet(t, 3, withChain)
	o := net.Gateway.Orchestrator
	j, err := o.SubmitJob(as(t, context.Background(), "//Dave"), paidJob(t, net, "//Dave"))
	if err != nil {
		t.Fatal(err)
	}
	lost := waitDispatched(t, o, j.ID)
	for _, p := range net.Providers {
		if p.Host.ID().String() == lost {
			p.Host.Close() // as a crash would: nothing more reaches the orchestrator
			p.Close()
		}
	}
	start := time.Now()
	end := wait(t, o, j.ID)
	t.Logf("completed %s after the kill", time.Since(start).Round(time.Millisecond))
	end = checkMovedAndPaidOnce(t, net, end, lost)
	text := ""
	for _, e := range end.Events {
		text += string(e.Phase) + ": " + e.Message + "\n"
	}
	for _, want := range []string{"matching: matching providers", "staging: staging inputs", "running: running", "matching it again", "verifying:", "completed:", "settling: settling on the chain", "settling: settled on the chain"} {
		if !strings.Contains(text, want) {
			t.Errorf("events lack %q:\n%s", want, text)
		}
	}
}

// TestKilledProviderProcessTaskCompletesElsewhere runs a provider as a
// separate `opensky node` process, kills it with SIGKILL while it runs a
// paid task, and sees the job complete on an in-process provider, paid
// once.
func TestKilledProviderProcessTaskCompletesElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the opensky binary")
	}
	bin := buildOpensky(t)
	net := startNet(t, 1, withChain)
	ctx := context.Background()
	o, lc := net.Gateway.Orchestrator, net.Gateway.Ledger
	// The child provider stakes from //Provider1, which the genesis of a
	// one-provider network does not fund.
	if _, err := lc.Sender(devAccount(t, FaucetURI)).Send(ctx, &ledger.MsgTransfer{To: devAccount(t, ProviderURI(1)).Address(), Amount: ProviderBalance}); err != nil {
		t.Fatal(err)
	}
	cfg := base(filepath.Join(net.Dir, "child-provider"))
	cfg.P2P.Bootstrap = net.Gateway.Host.Addrs()
	cfg.Gateway.Enabled = false
	cfg.Provider.CPU, cfg.Provider.Memory, cfg.Provider.Disk, cfg.Provider.PresenceInterval = "2", "2Gi", "4Gi", "200ms"
	cfg.Provider.Labels = map[string]string{"child": "yes"}
	chainProvider(&cfg, 1, "http://"+strings.TrimPrefix(net.Gateway.ChainNode.RPCAddr(), "tcp://"))
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(net.Dir, "child.yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	child := exec.Command(bin, "node", "--config", file)
	child.Env = append(os.Environ(), "OPENSKY_LOG_LEVEL=warn")
	stdout, _ := child.StdoutPipe()
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	var childPeer string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "peer" {
			childPeer = f[1]
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if childPeer == "" {
		t.Fatal("the child node printed no peer ID")
	}
	eventually(t, "the child provider is seen and registered", func() bool {
		ps, _ := o.Providers(ctx)
		reg, _ := lc.Providers(ctx)
		seen, registered := false, false
		for _, p := range ps {
			seen = seen || p.Peer == childPeer
		}
		for _, p := range reg {
			registered = registered || p.PeerID == childPeer && p.Active
		}
		return seen && registered
	})
	// A job that fills the in-process provider, so that the first attempt
	// lands on the child.
	blocker := wasmJob(upload(t, o, wasmtest.Loop()), 1)
	blocker.Resources.CPU, blocker.Resources.Timeout = 2000, spec.Duration(10*time.Minute)
	blocker.Constraints = []string{"index=0"}
	blocker.Escrow = lockEscrow(t, net, "//Ferdie")
	b, err := o.SubmitJob(as(t, ctx, "//Ferdie"), blocker)
	if err != nil {
		t.Fatal(err)
	}
	waitPhase(t, o, b.ID, api.PhaseRunning)
	j, err := o.SubmitJob(as(t, ctx, "//Eve"), paidJob(t, net, "//Eve"))
	if err != nil {
		t.Fatal(err)
	}
	if p := waitDispatched(t, o, j.ID); p != childPeer {
		t.Fatalf("the task runs on %s, not the child %s", p, childPeer)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	// Make room for the next attempt on the in-process provider.
	if _, err := o.CancelJob(ctx, b.ID, "make room"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	end := wait(t, o, j.ID)
	t.Logf("completed %s after the kill", time.Since(start).Round(time.Millisecond))
	checkMovedAndPaidOnce(t, net, end, childPeer)
}

// TestJobDeadlineExpires: a job that outlives its deadline ends expired,
// with a reason, and its provider stops the module.
func TestJobDeadlineExpires(t *testing.T) {
	net := startNet(t, 1)
	o := net.Gateway.Orchestrator
	s := wasmJob(upload(t, o, wasmtest.Loop()), 1)
	s.Resources.Timeout = spec.Duration(10 * time.Minute)
	s.Deadline = spec.Duration(3 * time.Second)
	end := run(t, o, s)
	if end.Phase != api.PhaseExpired || end.ErrorCode != "deadline_exceeded" || !strings.Contains(end.Reason, "deadline") {
		t.Fatalf("ended %s/%s: %s", end.Phase, end.ErrorCode, end.Reason)
	}
	if tk := end.Tasks[0]; tk.Phase != api.PhaseCancelled || len(tk.History) != 1 || tk.History[0].EndedAt.IsZero() {
		t.Fatalf("task %+v", tk)
	}
	eventually(t, "provider frees the expired task", func() bool {
		ps, _ := o.Providers(context.Background())
		return len(ps) == 1 && ps[0].Running == 0
	})
}

// buildOpensky builds the opensky binary into the test's directory.
func buildOpensky(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "opensky")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, "github.com/opensky-network/opensky/cmd/opensky")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build opensky: %v\n%s", err, out)
	}
	return bin
}
