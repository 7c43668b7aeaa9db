package p2p

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// bidHandler answers every bid request with an accepted bid and counts the
// requests it saw.
func bidHandler(self peer.ID, calls *atomic.Int64) Handler {
	return func(_ context.Context, from peer.ID, req *Request) (wire.Message, error) {
		calls.Add(1)
		var br wire.BidRequest
		if err := req.Decode(&br); err != nil {
			return nil, err
		}
		return &wire.Bid{TaskID: br.TaskID, Provider: self.String(), Accept: true, Price: br.MaxPrice - 1,
			Reason: "for " + from.String()}, nil
	}
}

func TestThreeHostsCall(t *testing.T) {
	for _, tc := range []struct{ name, listen, marker string }{
		{"tcp", "/ip4/127.0.0.1/tcp/0", "/tcp/"},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1", "/quic-v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			only := func(c *Config) { c.ListenAddrs = []string{tc.listen} }
			a := newHost(t, "a", only)
			var calls atomic.Int64
			a.Handle(wire.ProtocolBid, wire.MaxControlMessage, bidHandler(a.ID(), &calls))
			for _, addr := range a.Addrs() {
				if !strings.Contains(addr, tc.marker) || !strings.HasSuffix(addr, "/p2p/"+a.ID().String()) {
					t.Fatalf("address %s: want only %s addresses ending in /p2p/<id>", addr, tc.name)
				}
			}
			boot := func(c *Config) { only(c); c.Bootstrap = a.Addrs() }
			b, c := newHost(t, "b", boot), newHost(t, "c", boot)
			waitFor(t, "a sees b and c", func() bool { return connected(a, b.ID()) && connected(a, c.ID()) })

			for _, caller := range []*Host{b, c} {
				var bid wire.Bid
				req := &wire.BidRequest{JobID: "j", TaskID: "t-" + caller.ID().String(), MaxPrice: 100}
				if err := caller.Call(testContext(t), a.ID(), wire.ProtocolBid, req, &bid, wire.MaxControlMessage); err != nil {
					t.Fatal(err)
				}
				if !bid.Accept || bid.TaskID != req.TaskID || bid.Price != 99 || bid.Reason != "for "+caller.ID().String() {
					t.Fatalf("bid %+v does not answer %+v from %s", bid, req, caller.ID())
				}
				for _, conn := range caller.host.Network().ConnsToPeer(a.ID()) {
					if !strings.Contains(conn.RemoteMultiaddr().String(), tc.marker) {
						t.Fatalf("connection over %s, want %s", conn.RemoteMultiaddr(), tc.name)
					}
				}
			}
			if n := calls.Load(); n != 2 {
				t.Fatalf("handler ran %d times, want 2", n)
			}
		})
	}
}

func TestHandleRejectsEnvelopeOfAnotherSigner(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	var calls atomic.Int64
	a.Handle(wire.ProtocolBid, wire.MaxControlMessage, bidHandler(a.ID(), &calls))

	forged, err := wire.Seal(newKey(t), &wire.BidRequest{TaskID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.host.NewStream(testContext(t), a.ID(), protocol.ID(wire.ProtocolBid))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := wire.WriteFrame(s, forged); err != nil {
		t.Fatal(err)
	}
	_ = s.CloseWrite() // may race with the handler's answer; the reply decides
	reply, err := wire.ReadFrame(s, wire.MaxControlMessage)
	if err != nil {
		t.Fatal(err)
	}
	var we wire.Error
	signer, err := wire.Open(reply, wire.MaxControlMessage, &we)
	if err != nil {
		t.Fatalf("reply is not a wire.Error: %v", err)
	}
	if signer != a.ID() || we.Code != CodeUnauthenticated {
		t.Fatalf("reply %+v signed by %s, want %s signed by %s", we, signer, CodeUnauthenticated, a.ID())
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for a forged request", n)
	}
}

func TestHandleRefusesOversizeRequest(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	var calls atomic.Int64
	a.Handle(wire.ProtocolBid, 1024, bidHandler(a.ID(), &calls))

	big := &wire.BidRequest{TaskID: strings.Repeat("x", 4096)}
	var bid wire.Bid
	err := b.Call(testContext(t), a.ID(), wire.ProtocolBid, big, &bid, wire.MaxControlMessage)
	var re *RemoteError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("oversize call = %v, want the stream refused", err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times for an oversize request", n)
	}
	if err := b.Call(testContext(t), a.ID(), wire.ProtocolBid, &wire.BidRequest{TaskID: "small"}, &bid, wire.MaxControlMessage); err != nil {
		t.Fatalf("a request within bounds after the refusal: %v", err)
	}
}

func TestCallRefusesOversizeReply(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	a.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(context.Context, peer.ID, *Request) (wire.Message, error) {
		return &wire.Bid{Reason: strings.Repeat("y", 4096)}, nil
	})
	var bid wire.Bid
	err := b.Call(testContext(t), a.ID(), wire.ProtocolBid, &wire.BidRequest{}, &bid, 1024)
	if !errors.Is(err, wire.ErrTooLarge) {
		t.Fatalf("Call = %v, want wire.ErrTooLarge", err)
	}
}

func TestHandlerErrorsBecomeRemoteErrors(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	a.Handle(wire.ProtocolDispatch, wire.MaxControlMessage, func(_ context.Context, _ peer.ID, req *Request) (wire.Message, error) {
		var d wire.Dispatch
		if err := req.Decode(&d); err != nil {
			return nil, err
		}
		if d.Task.TaskID == "coded" {
			return nil, &RemoteError{Code: "no_capacity", Message: "all slots busy"}
		}
		return nil, errors.New("disk full")
	})
	cases := []struct {
		req      wire.Message
		code     string
		contains string
	}{
		{&wire.Dispatch{Task: wire.TaskSpec{TaskID: "coded"}}, "no_capacity", "all slots busy"},
		{&wire.Dispatch{Task: wire.TaskSpec{TaskID: "plain"}}, CodeInternal, "disk full"},
		{&wire.Cancel{TaskID: "wrong type"}, CodeBadRequest, "wrong message type"},
	}
	for _, c := range cases {
		var ack wire.DispatchAck
		err := b.Call(testContext(t), a.ID(), wire.ProtocolDispatch, c.req, &ack, wire.MaxControlMessage)
		var re *RemoteError
		if !errors.As(err, &re) {
			t.Fatalf("%s: Call = %v, want a *RemoteError", c.req.WireType(), err)
		}
		if re.Code != c.code || !strings.Contains(re.Message, c.contains) {
			t.Fatalf("%s: got %+v, want code %s with %q", c.req.WireType(), re, c.code, c.contains)
		}
	}
}

func TestCallRejectsReplyNotSignedByCallee(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	other := newKey(t)
	a.host.SetStreamHandler(protocol.ID(wire.ProtocolBid), func(s network.Stream) {
		defer s.Close()
		if _, err := wire.ReadFrame(s, wire.MaxControlMessage); err != nil {
			_ = s.Reset()
			return
		}
		reply, err := wire.Seal(other, &wire.Bid{Accept: true})
		if err != nil {
			_ = s.Reset()
			return
		}
		_ = wire.WriteFrame(s, reply)
	})
	var bid wire.Bid
	err := b.Call(testContext(t), a.ID(), wire.ProtocolBid, &wire.BidRequest{}, &bid, wire.MaxControlMessage)
	if !errors.Is(err, ErrUnexpectedSigner) {
		t.Fatalf("Call = %v, want ErrUnexpectedSigner", err)
	}
}

func TestCallCancellationResetsStream(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	a.Handle(wire.ProtocolBid, wire.MaxControlMessage, func(ctx context.Context, _ peer.ID, _ *Request) (wire.Message, error) {
		close(started)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return &wire.Bid{}, nil
	})
	ctx, cancel := context.WithCancel(testContext(t))
	errc := make(chan error, 1)
	go func() {
		var bid wire.Bid
		errc <- b.Call(ctx, a.ID(), wire.ProtocolBid, &wire.BidRequest{}, &bid, wire.MaxControlMessage)
	}()
	select {
	case <-started:
	case <-testContext(t).Done():
		t.Fatal("handler never started")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Call = %v, want context.Canceled", err)
		}
	case <-testContext(t).Done():
		t.Fatal("Call did not return after cancellation")
	}
}
