package p2p

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

const testStreamProto = "/opensky/test-stream/1.0.0"

// streamPair starts a serving host a running fn and a host b connected to it.
func streamPair(t *testing.T, listen string, fn StreamHandler) (a, b *Host) {
	t.Helper()
	only := func(c *Config) {
		if listen != "" {
			c.ListenAddrs = []string{listen}
		}
	}
	a = newHost(t, "a", only)
	a.HandleStream(testStreamProto, wire.MaxControlMessage, fn)
	b = newHost(t, "b", func(c *Config) { only(c); c.Bootstrap = a.Addrs() })
	waitFor(t, "b connects to a", func() bool { return connected(b, a.ID()) })
	return a, b
}

// echoHandler answers a BlobRequest with a header naming the requester,
// then echoes every raw byte it receives.
func echoHandler(_ context.Context, from peer.ID, req *Request, s *Stream) error {
	var br wire.BlobRequest
	if err := req.Decode(&br); err != nil {
		return err
	}
	if err := s.WriteMessage(&wire.BlobResponse{Hash: br.Hash + "@" + from.String(), Found: true}); err != nil {
		return err
	}
	_, err := io.Copy(s, s)
	return err
}

func TestStreamRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, listen string }{
		{"tcp", "/ip4/127.0.0.1/tcp/0"},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := streamPair(t, tc.listen, echoHandler)
			payload := make([]byte, 3<<20+17) // larger than any frame the host reads
			if _, err := rand.Read(payload); err != nil {
				t.Fatal(err)
			}
			s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.BlobRequest{Hash: "h"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Remote() != a.ID() {
				t.Fatalf("remote %s, want %s", s.Remote(), a.ID())
			}
			var hdr wire.BlobResponse
			if err := s.ReadMessage(wire.MaxControlMessage, &hdr); err != nil {
				t.Fatal(err)
			}
			if hdr.Hash != "h@"+b.ID().String() || !hdr.Found {
				t.Fatalf("header %+v", hdr)
			}
			werr := make(chan error, 1)
			go func() {
				_, err := s.Write(payload)
				if err == nil {
					err = s.CloseWrite()
				}
				werr <- err
			}()
			got, err := io.ReadAll(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := <-werr; err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, payload) {
				t.Fatalf("echoed %d bytes, sent %d, or they differ", len(got), len(payload))
			}
		})
	}
}

func TestStreamHandlerErrors(t *testing.T) {
	fail := errors.New("nope")
	a, b := streamPair(t, "", func(_ context.Context, _ peer.ID, req *Request, s *Stream) error {
		var br wire.BlobRequest
		if err := req.Decode(&br); err != nil {
			return err
		}
		switch br.Hash {
		case "coded":
			return &RemoteError{Code: "teapot", Message: "short and stout"}
		case "late":
			if _, err := s.Write([]byte("partial")); err != nil {
				return err
			}
			return fail
		}
		return fail
	})

	open := func(hash string) *Stream {
		s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.BlobRequest{Hash: hash})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Reset() })
		return s
	}

	var re *RemoteError
	if err := open("coded").ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}); !errors.As(err, &re) || re.Code != "teapot" {
		t.Fatalf("coded error = %v, want RemoteError teapot", err)
	}
	if err := open("plain").ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}); !errors.As(err, &re) || re.Code != CodeInternal {
		t.Fatalf("plain error = %v, want RemoteError %s", err, CodeInternal)
	}
	// A request of another type is a bad request.
	s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.LogAck{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Reset()
	if err := s.ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}); !errors.As(err, &re) || re.Code != CodeBadRequest {
		t.Fatalf("wrong type = %v, want RemoteError %s", err, CodeBadRequest)
	}
	// After bytes went out, an error can only reset the stream (what was
	// sent before may or may not arrive).
	if got, err := io.ReadAll(open("late")); err == nil || errors.As(err, &re) || !bytes.HasPrefix([]byte("partial"), got) {
		t.Fatalf("late error: read %q, %v; want a reset", got, err)
	}
}

func TestHandleStreamRejectsForgedAndOversizeRequests(t *testing.T) {
	var calls atomic.Int64
	a, b := streamPair(t, "", func(context.Context, peer.ID, *Request, *Stream) error {
		calls.Add(1)
		return nil
	})

	// Signed by a key that is not b's.
	forged, err := wire.Seal(newKey(t), &wire.BlobRequest{Hash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := b.host.NewStream(testContext(t), a.ID(), protocol.ID(testStreamProto))
	if err != nil {
		t.Fatal(err)
	}
	st := b.newStream(testContext(t), raw)
	defer st.Reset()
	if err := st.writeFrame(forged); err != nil {
		t.Fatal(err)
	}
	var re *RemoteError
	if err := st.ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}); !errors.As(err, &re) || re.Code != CodeUnauthenticated {
		t.Fatalf("forged request = %v, want RemoteError %s", err, CodeUnauthenticated)
	}

	// Larger than the handler's bound: reset without an answer.
	big := &wire.BlobRequest{Hash: string(bytes.Repeat([]byte{'x'}, wire.MaxControlMessage))}
	s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, big)
	if err == nil {
		defer s.Reset()
		err = s.ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{})
	}
	if err == nil || errors.As(err, &re) {
		t.Fatalf("oversize request = %v, want the stream reset", err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("handler ran %d times", n)
	}
}

func TestStreamReplyFromAnotherSigner(t *testing.T) {
	a := newHost(t, "a", nil)
	b := newHost(t, "b", func(c *Config) { c.Bootstrap = a.Addrs() })
	other := newKey(t)
	a.host.SetStreamHandler(protocol.ID(testStreamProto), func(s network.Stream) {
		defer s.Close()
		if _, err := wire.ReadFrame(s, wire.MaxControlMessage); err != nil {
			return
		}
		out, _ := wire.Seal(other, &wire.BlobResponse{Hash: "h", Found: true})
		_ = wire.WriteFrame(s, out)
	})
	s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.BlobRequest{Hash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}); !errors.Is(err, ErrUnexpectedSigner) {
		t.Fatalf("reply signed by another key = %v, want ErrUnexpectedSigner", err)
	}
}

func TestStreamCancelResets(t *testing.T) {
	started, handlerErr := make(chan struct{}), make(chan error, 1)
	a, b := streamPair(t, "", func(_ context.Context, _ peer.ID, _ *Request, s *Stream) error {
		close(started)
		_, err := io.Copy(io.Discard, s)
		handlerErr <- err
		return err
	})
	ctx, cancel := context.WithCancel(testContext(t))
	s, err := b.OpenStream(ctx, a.ID(), testStreamProto, &wire.BlobRequest{Hash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write([]byte("some")); err != nil {
		t.Fatal(err)
	}
	<-started
	readErr := make(chan error, 1)
	go func() {
		_, err := s.Read(make([]byte, 1))
		readErr <- err
	}()
	cancel()
	if err := <-readErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("read after cancel = %v, want context.Canceled", err)
	}
	select {
	case err := <-handlerErr:
		if err == nil {
			t.Fatal("handler read to a clean end of a cancelled stream")
		}
	case <-time.After(waitLimit):
		t.Fatal("handler still reading after the caller cancelled")
	}
}

func TestStreamIdleTimeout(t *testing.T) {
	type outcome struct {
		n   int
		err error
	}
	done := make(chan outcome, 1)
	a, b := streamPair(t, "", func(_ context.Context, _ peer.ID, req *Request, s *Stream) error {
		var br wire.BlobRequest
		if err := req.Decode(&br); err != nil {
			return err
		}
		idle := time.Second
		if br.Hash == "silent" {
			idle = 100 * time.Millisecond
		}
		s.SetIdleTimeout(idle)
		n, err := io.Copy(io.Discard, s)
		done <- outcome{int(n), err}
		if err != nil {
			return err
		}
		return s.WriteMessage(&wire.BlobResponse{Hash: br.Hash, Found: true})
	})

	// Bytes trickling in for longer than the idle timeout keep the stream
	// alive: the deadlines move with every read on the handler's side, and
	// with every write on the caller's, where a reply is awaited all along.
	s, err := b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.BlobRequest{Hash: "trickle"})
	if err != nil {
		t.Fatal(err)
	}
	s.SetIdleTimeout(600 * time.Millisecond)
	replied := make(chan error, 1)
	go func() { replied <- s.ReadMessage(wire.MaxControlMessage, &wire.BlobResponse{}) }()
	const drops = 25
	for range drops {
		if _, err := s.Write([]byte{1}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	if err := s.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if o := <-done; o.err != nil || o.n != drops {
		t.Fatalf("trickle: handler read %d bytes, %v; want %d, nil", o.n, o.err, drops)
	}
	if err := <-replied; err != nil {
		t.Fatalf("trickle: reply awaited while sending: %v", err)
	}
	_ = s.Close()

	// A peer that goes quiet is cut off.
	s, err = b.OpenStream(testContext(t), a.ID(), testStreamProto, &wire.BlobRequest{Hash: "silent"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Reset()
	select {
	case o := <-done:
		if o.err == nil {
			t.Fatal("silent peer: handler read to a clean end")
		}
	case <-time.After(waitLimit):
		t.Fatal("silent peer never timed out")
	}
}
