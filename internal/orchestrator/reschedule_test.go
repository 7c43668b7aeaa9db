package orchestrator

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
)

// holder is a provider that takes tasks and keeps their results until the
// test delivers them, and whose presence the test can stop, as a provider
// that vanishes (or whose network is cut) would.
type holder struct {
	host     *p2p.Host
	silent   atomic.Bool
	mu       sync.Mutex
	held     []wire.Dispatch
	from     peer.ID
	dispatch chan struct{}
}

func startHolder(t *testing.T, orch *p2p.Host) *holder {
	hd := &holder{host: newHost(t, orch.Addrs()...), dispatch: make(chan struct{}, 8)}
	hd.host.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(_ context.Context, _ peer.ID, req *p2p.Request) (wire.Message, error) {
		var br wire.BidRequest
		if err := req.Decode(&br); err != nil {
			return nil, err
		}
		return &wire.Bid{TaskID: br.TaskID, Provider: hd.host.ID().String(), Accept: true, Price: 10}, nil
	})
	hd.host.Handle(wire.ProtocolDispatch, wire.MaxDispatch, func(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
		var d wire.Dispatch
		if err := req.Decode(&d); err != nil {
			return &wire.CancelAck{}, nil // a cancel: nothing runs here
		}
		hd.mu.Lock()
		hd.held, hd.from = append(hd.held, d), from
		hd.mu.Unlock()
		hd.dispatch <- struct{}{}
		return &wire.DispatchAck{TaskID: d.Task.TaskID, Accepted: true}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for seq := uint64(1); ctx.Err() == nil; seq++ {
			if !hd.silent.Load() {
				hd.host.PublishPresence(ctx, wire.Presence{
					Peer: hd.host.ID().String(), Boot: 1, Seq: seq, Engines: []string{"wasm"},
					Total: wire.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 8 << 30},
					Free:  wire.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 8 << 30},
				})
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return hd
}

// deliver sends the result of the i-th task the holder took, and returns
// the orchestrator's answer.
func (hd *holder) deliver(t *testing.T, to peer.ID, i int) (wire.ResultAck, error) {
	hd.mu.Lock()
	d := hd.held[i]
	hd.mu.Unlock()
	var ack wire.ResultAck
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hd.host.Call(ctx, to, wire.ProtocolResult, honestResult(t, hd.host.PrivKey(), d, "done", ""), &ack, wire.MaxControlMessage)
	return ack, err
}

func waitFor(t *testing.T, o *Orchestrator, id string, what string, ok func(*api.Job) bool) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var after uint64
	for {
		rec, err := o.WaitJob(ctx, id, after)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok(rec) {
			return rec
		}
		if rec.Phase.Terminal() {
			t.Fatalf("job ended %s (%s: %s) before %s", rec.Phase, rec.ErrorCode, rec.Reason, what)
		}
		after = rec.Version
	}
}

// TestLostAttemptIsRescheduledAcrossARestart: a provider that goes silent
// loses its task to another provider; the orchestrator restarts while the
// second attempt runs and resumes it with its history; the second
// provider's result completes the job, and the first provider's late
// result for its old attempt is refused, so settlement pays the task once,
// to the provider that finished it, and reports the vanished one lost.
func TestLostAttemptIsRescheduledAcrossARestart(t *testing.T) {
	h := newHost(t)
	dir := t.TempDir()
	cfg := Config{DataDir: dir, PresenceTimeout: 2 * time.Second, MatchTimeout: 20 * time.Second, RetryBackoff: 50 * time.Millisecond}
	o, err := New(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := startHolder(t, h)
	eventually(t, "the orchestrator sees provider A", func() bool { ps, _ := o.Providers(context.Background()); return len(ps) == 1 })
	ref, _, _ := o.blobs.Put(context.Background(), strings.NewReader("module"), 1<<10)
	j, err := o.SubmitJob(context.Background(), spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref})
	if err != nil {
		t.Fatal(err)
	}
	<-a.dispatch
	b := startHolder(t, h)
	a.silent.Store(true)
	rec := waitFor(t, o, j.ID, "the task on provider B", func(j *api.Job) bool {
		return j.Tasks[0].Provider == b.host.ID().String() && j.Tasks[0].Phase.Dispatched()
	})
	<-b.dispatch
	if tk := rec.Tasks[0]; tk.Attempts != 2 || len(tk.History) != 2 || tk.History[0].Provider != a.host.ID().String() ||
		tk.History[0].ErrorCode != codeProviderLost || tk.History[0].EndedAt.IsZero() || tk.History[1].Provider != b.host.ID().String() {
		t.Fatalf("task after the loss: %+v", tk)
	}
	if !strings.Contains(eventsText(rec), "matching it again") {
		t.Errorf("no event tells of the rescheduling: %s", eventsText(rec))
	}

	// Restart on the same store while B holds the second attempt.
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o, err = New(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	if ack, err := b.deliver(t, h.ID(), 0); err != nil || !ack.Known {
		t.Fatalf("B's result after the restart: %+v %v", ack, err)
	}
	end := waitFor(t, o, j.ID, "completion", func(j *api.Job) bool { return j.Phase.Terminal() })
	if end.Phase != api.PhaseCompleted {
		t.Fatalf("ended %s (%s): %s", end.Phase, end.ErrorCode, end.Reason)
	}
	// A comes back and delivers its old attempt's result: refused.
	a.silent.Store(false)
	if ack, err := a.deliver(t, h.ID(), 0); err != nil || ack.Known {
		t.Fatalf("A's late result: %+v %v", ack, err)
	}
	end, _ = o.GetJob(context.Background(), j.ID)
	tk := end.Tasks[0]
	if tk.Provider != b.host.ID().String() || tk.Price != 10 || len(tk.History) != 2 || tk.History[1].Phase != api.PhaseCompleted || tk.History[1].EndedAt.IsZero() {
		t.Fatalf("task: %+v", tk)
	}
	if tk.History[0].ID == tk.History[1].ID {
		t.Fatal("two attempts share an ID")
	}
	end.Payment = &api.Payment{Escrow: "e-00000000000000000000000000000001", Budget: ledger.USD}
	m := settlementFor(end, 100)
	if len(m.Payouts) != 1 || m.Payouts[0].Peer != b.host.ID().String() || m.Payouts[0].Task != tk.ID || m.Payouts[0].Amount != 10 {
		t.Fatalf("payouts %+v, want the task once, to B", m.Payouts)
	}
	if len(m.Faults) != 1 || m.Faults[0].Peer != a.host.ID().String() || m.Faults[0].Kind != ledger.FaultLost {
		t.Fatalf("faults %+v, want A lost", m.Faults)
	}
}

// TestTaskFailsAfterItsAttempts: a task whose providers keep vanishing
// fails provider_lost once it used its attempts, every lost provider
// reported once.
func TestTaskFailsAfterItsAttempts(t *testing.T) {
	o, h := startOrchestratorWith(t, Config{MaxAttempts: 2, RetryBackoff: 10 * time.Millisecond})
	o.cfg.PresenceTimeout = 2 * time.Second
	ref, _, _ := o.blobs.Put(context.Background(), strings.NewReader("module"), 1<<10)
	a := startHolder(t, h)
	eventually(t, "the orchestrator sees provider A", func() bool { ps, _ := o.Providers(context.Background()); return len(ps) == 1 })
	j, err := o.SubmitJob(context.Background(), spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref})
	if err != nil {
		t.Fatal(err)
	}
	<-a.dispatch
	b := startHolder(t, h)
	a.silent.Store(true)
	<-b.dispatch
	b.silent.Store(true)
	end := waitFor(t, o, j.ID, "the end", func(j *api.Job) bool { return j.Phase.Terminal() })
	if end.Phase != api.PhaseFailed || end.ErrorCode != codeProviderLost || !strings.Contains(end.Reason, "gave up after 2 attempts") {
		t.Fatalf("ended %s/%s: %s", end.Phase, end.ErrorCode, end.Reason)
	}
	end.Payment = &api.Payment{Escrow: "e-00000000000000000000000000000001", Budget: ledger.USD}
	m := settlementFor(end, 100)
	if len(m.Payouts) != 0 || len(m.Faults) != 2 {
		t.Fatalf("settlement %+v", m)
	}
}

func TestRetryBackoffDoublesUpToACap(t *testing.T) {
	o := &Orchestrator{cfg: Config{RetryBackoff: time.Second}}
	for lost, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: maxRetryBackoff, 1000: maxRetryBackoff} {
		if got := o.retryDelay(lost); got != want {
			t.Errorf("after %d losses: %s, want %s", lost, got, want)
		}
	}
}

func eventsText(j *api.Job) string {
	var b strings.Builder
	for _, e := range j.Events {
		b.WriteString(string(e.Phase) + ": " + e.Message + "\n")
	}
	return b.String()
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
	}
}
