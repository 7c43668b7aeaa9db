package orchestrator

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// bidder is a provider on a real libp2p host that announces a price and
// either answers bids at once or never within the orchestrator's bid
// deadline.
type bidder struct {
	host             *p2p.Host
	bids, dispatches atomic.Int32
	price            int64
	silent           bool
	stop             chan struct{}
}

func startBidder(t *testing.T, orch *p2p.Host, price int64, silent bool) *bidder {
	b := &bidder{host: newHost(t, orch.Addrs()...), price: price, silent: silent, stop: make(chan struct{})}
	t.Cleanup(func() { close(b.stop) })
	b.host.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(ctx context.Context, _ peer.ID, req *p2p.Request) (wire.Message, error) {
		var br wire.BidRequest
		if err := req.Decode(&br); err != nil {
			return nil, err
		}
		b.bids.Add(1)
		if b.silent {
			// Far past the bid deadline; the orchestrator must not wait.
			select {
			case <-ctx.Done():
			case <-b.stop:
			case <-time.After(30 * time.Second):
			}
		}
		return &wire.Bid{TaskID: br.TaskID, Provider: b.host.ID().String(), Accept: true, Price: b.price}, nil
	})
	b.host.Handle(wire.ProtocolDispatch, wire.MaxDispatch, func(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
		var d wire.Dispatch
		if err := req.Decode(&d); err != nil {
			return nil, err
		}
		b.dispatches.Add(1)
		go func() {
			var ack wire.ResultAck
			b.host.Call(context.Background(), from, wire.ProtocolResult, honestResult(t, b.host.PrivKey(), d, "ok", ""), &ack, wire.MaxControlMessage)
		}()
		return &wire.DispatchAck{TaskID: d.Task.TaskID, Accepted: true}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		capacity := wire.Capacity{MilliCPU: 4000, MemoryBytes: 8 << 30, DiskBytes: 8 << 30}
		for seq := uint64(1); ctx.Err() == nil; seq++ {
			b.host.PublishPresence(ctx, wire.Presence{
				Peer: b.host.ID().String(), Seq: seq, Engines: []string{"wasm"},
				Total: capacity, Free: capacity, PricePerCPUSecond: b.price,
			})
			time.Sleep(100 * time.Millisecond)
		}
	}()
	return b
}

// TestUnansweredBidFallsBackToTheNextCandidate: the best-ranked provider
// (the cheapest) never answers its bid; after the bid deadline the task
// goes to the next candidate, and the silent one never gets it.
func TestUnansweredBidFallsBackToTheNextCandidate(t *testing.T) {
	h := newHost(t)
	const bidTimeout = 300 * time.Millisecond
	o, err := New(h, Config{DataDir: t.TempDir(), PresenceTimeout: 5 * time.Second, MatchTimeout: 20 * time.Second, BidTimeout: bidTimeout})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	silent := startBidder(t, h, 1, true)
	answers := startBidder(t, h, 150, false)

	// Submit only once both are candidates, so that the silent one is
	// ranked first.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		ps, _ := o.Providers(ctx)
		if len(ps) == 2 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the orchestrator sees %d providers", len(ps))
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	j := submit(t, o)
	if j.Phase != api.PhaseCompleted {
		t.Fatalf("job ended %s: %s", j.Phase, j.Reason)
	}
	if got := j.Tasks[0].Provider; got != answers.host.ID().String() {
		t.Fatalf("task went to %s, want the provider that answered", got)
	}
	if silent.bids.Load() == 0 {
		t.Fatal("the silent provider, ranked first, was never asked to bid")
	}
	if silent.dispatches.Load() != 0 {
		t.Fatal("the silent provider got the task")
	}
	if answers.dispatches.Load() != 1 {
		t.Fatalf("the answering provider got %d dispatches", answers.dispatches.Load())
	}
	if took := time.Since(start); took < bidTimeout {
		t.Fatalf("placed in %s, before the silent provider's bid deadline of %s", took, bidTimeout)
	}
}
