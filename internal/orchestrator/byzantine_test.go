package orchestrator

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/verify"
)

// scripted is a provider whose answers the test controls, on a real libp2p
// host, to exercise what the orchestrator does with results that are not
// honest.
type scripted struct {
	host   *p2p.Host
	result func(d wire.Dispatch) (*wire.Result, crypto.PrivKey)
	// refused counts results the orchestrator refused with an error.
	refused atomic.Int32
}

func newHost(t *testing.T, boot ...string) *p2p.Host {
	t.Helper()
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h, err := p2p.New(context.Background(), p2p.Config{PrivKey: key, Bootstrap: boot})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func startScripted(t *testing.T, orch *p2p.Host, s *scripted) {
	s.host = newHost(t, orch.Addrs()...)
	s.host.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(_ context.Context, _ peer.ID, req *p2p.Request) (wire.Message, error) {
		var br wire.BidRequest
		if err := req.Decode(&br); err != nil {
			return nil, err
		}
		return &wire.Bid{TaskID: br.TaskID, Provider: s.host.ID().String(), Accept: true, Price: 10}, nil
	})
	s.host.Handle(wire.ProtocolDispatch, wire.MaxDispatch, func(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
		var d wire.Dispatch
		if err := req.Decode(&d); err != nil {
			return nil, err
		}
		go func() {
			res, _ := s.result(d)
			var ack wire.ResultAck
			err := s.host.Call(context.Background(), from, wire.ProtocolResult, res, &ack, wire.MaxControlMessage)
			var remote *p2p.RemoteError
			if errors.As(err, &remote) {
				s.refused.Add(1)
			}
		}()
		return &wire.DispatchAck{TaskID: d.Task.TaskID, Accepted: true}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for seq := uint64(1); ctx.Err() == nil; seq++ {
			s.host.PublishPresence(ctx, wire.Presence{
				Peer: s.host.ID().String(), Seq: seq, Engines: []string{"wasm"},
				Total: wire.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 8 << 30},
				Free:  wire.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 8 << 30},
			})
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

// honestResult builds a correct result for d, with the given stdout.
func honestResult(t *testing.T, key crypto.PrivKey, d wire.Dispatch, stdout string, root string) *wire.Result {
	if root == "" {
		r, err := verify.ResultRoot(nil, 0, []byte(stdout), nil)
		if err != nil {
			t.Error(err)
		}
		root = r.String()
	}
	pid, _ := peer.IDFromPrivateKey(key)
	rc := wire.Receipt{JobID: d.Task.JobID, TaskID: d.Task.TaskID, Shard: d.Task.Shard, Replica: d.Task.Replica, Provider: pid.String(), OutputRoot: root, Price: 10}
	sealed, err := wire.Seal(key, &rc)
	if err != nil {
		t.Error(err)
	}
	return &wire.Result{Receipt: sealed, Stdout: []byte(stdout)}
}

func startOrchestrator(t *testing.T) (*Orchestrator, *p2p.Host) {
	return startOrchestratorWith(t, Config{})
}

// startOrchestratorWith starts an orchestrator with cfg's payments and
// the tests' timeouts.
func startOrchestratorWith(t *testing.T, cfg Config) (*Orchestrator, *p2p.Host) {
	h := newHost(t)
	cfg.DataDir, cfg.PresenceTimeout, cfg.MatchTimeout = t.TempDir(), 5*time.Second, 20*time.Second
	o, err := New(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o, h
}

func submit(t *testing.T, o *Orchestrator) *api.Job {
	ref, _, err := o.blobs.Put(context.Background(), strings.NewReader("\x00asm\x01\x00\x00\x00"), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	j, err := o.SubmitJob(context.Background(), spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var after uint64
	for {
		rec, err := o.WaitJob(ctx, j.ID, after)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("wait: %v", err)
		}
		if rec.Phase.Terminal() {
			return rec
		}
		after = rec.Version
	}
}

func TestReceiptRootMustMatchTheBytes(t *testing.T) {
	o, h := startOrchestrator(t)
	s := &scripted{}
	s.result = func(d wire.Dispatch) (*wire.Result, crypto.PrivKey) {
		// Claims the root of "42" but sends "41".
		r, _ := verify.ResultRoot(nil, 0, []byte("42"), nil)
		return honestResult(t, s.host.PrivKey(), d, "41", r.String()), nil
	}
	startScripted(t, h, s)
	j := submit(t, o)
	if j.Phase != api.PhaseFailed || j.ErrorCode != "invalid_result" || !strings.Contains(j.Reason, "output root mismatch") {
		t.Fatalf("ended %s/%s: %s", j.Phase, j.ErrorCode, j.Reason)
	}
}

func TestReceiptSignedByAnotherKeyIsRefused(t *testing.T) {
	o, h := startOrchestrator(t)
	other, _, _ := crypto.GenerateEd25519Key(rand.Reader)
	s := &scripted{}
	var calls atomic.Int32
	s.result = func(d wire.Dispatch) (*wire.Result, crypto.PrivKey) {
		if calls.Add(1) == 1 {
			return honestResult(t, other, d, "forged", ""), nil
		}
		return honestResult(t, s.host.PrivKey(), d, "genuine", ""), nil
	}
	startScripted(t, h, s)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ref, _, _ := o.blobs.Put(ctx, strings.NewReader("module"), 1<<10)
	j, err := o.SubmitJob(ctx, spec.Job{APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Module: ref})
	if err != nil {
		t.Fatal(err)
	}
	rec := waitRunning(t, o, j.ID)
	for s.refused.Load() == 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	if s.refused.Load() != 1 {
		t.Fatal("forged receipt was not refused")
	}
	if rec, _ = o.GetJob(ctx, j.ID); rec.Phase.Terminal() {
		t.Fatalf("a forged receipt ended the job: %s", rec.Phase)
	}
	// The provider's own, genuine result is still accepted afterwards.
	pid, _ := peer.Decode(rec.Tasks[0].Provider)
	d := wire.Dispatch{Task: wire.TaskSpec{JobID: j.ID, TaskID: rec.Tasks[0].Attempt}}
	var ack wire.ResultAck
	if err := s.host.Call(ctx, h.ID(), wire.ProtocolResult, honestResult(t, s.host.PrivKey(), d, "genuine", ""), &ack, wire.MaxControlMessage); err != nil || !ack.Known {
		t.Fatalf("genuine result: ack %+v, err %v (provider %s)", ack, err, pid)
	}
	end, _ := o.WaitJob(ctx, j.ID, rec.Version)
	for !end.Phase.Terminal() {
		end, _ = o.WaitJob(ctx, j.ID, end.Version)
	}
	if end.Phase != api.PhaseCompleted {
		t.Fatalf("ended %s: %s", end.Phase, end.Reason)
	}
	// A second delivery of the same result is not counted again.
	if err := s.host.Call(ctx, h.ID(), wire.ProtocolResult, honestResult(t, s.host.PrivKey(), d, "genuine", ""), &ack, wire.MaxControlMessage); err != nil || ack.Known {
		t.Fatalf("duplicate result: ack %+v, err %v", ack, err)
	}
	if end.Cost != 10 {
		t.Fatalf("cost %d, want the one receipt's 10", end.Cost)
	}
}

func waitRunning(t *testing.T, o *Orchestrator, id string) *api.Job {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var after uint64
	for {
		rec, err := o.WaitJob(ctx, id, after)
		if err != nil || ctx.Err() != nil {
			t.Fatalf("wait: %v", err)
		}
		if rec.Phase.Dispatched() {
			return rec
		}
		after = rec.Version
	}
}
