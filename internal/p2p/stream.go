package p2p

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// StreamIdleTimeout is how long a Stream may go without moving data in
// either direction before its calls fail. Every call that moves data
// pushes the deadlines on, so a transfer of any size runs as long as bytes
// keep flowing.
const StreamIdleTimeout = time.Minute

// StreamHandler serves one inbound stream from peer from. The request's
// envelope has been verified and was signed by from. When the handler
// returns an error before writing anything on s, the error is sent back as
// a wire.Error, as a Handler's would be; once it has written, an error
// resets the stream instead. The host closes s after the handler returns.
// ctx ends when the handler returns or the host closes, and ending it
// resets the stream.
type StreamHandler func(ctx context.Context, from peer.ID, req *Request, s *Stream) error

// Stream is a libp2p stream that carries sealed messages and raw bytes,
// for transfers too large for one frame. Messages are framed and signed
// like Call's; raw bytes are whatever the protocol says follows them. One
// goroutine may read while another writes.
type Stream struct {
	s      network.Stream
	h      *Host
	ctx    context.Context
	stop   func() bool
	remote peer.ID
	idle   time.Duration

	// moved is when the deadlines were last pushed on, in Unix
	// nanoseconds; reads and writes on two goroutines share it.
	moved atomic.Int64
	// wrote records that something went out, so that a handler's error
	// can no longer be sent as a reply.
	wrote bool
	// closed makes a Reset after Close do nothing, so that callers can
	// defer Reset and Close on success.
	closed atomic.Bool
}

// OpenStream opens a stream to p on proto and sends req, sealed, as its
// first frame. ctx governs the whole stream: cancelling it resets the
// stream and fails any call blocked on it. The caller must Close or Reset
// the stream.
func (h *Host) OpenStream(ctx context.Context, p peer.ID, proto string, req wire.Message) (*Stream, error) {
	data, err := wire.Seal(h.priv, req)
	if err != nil {
		return nil, err
	}
	s, err := h.host.NewStream(ctx, p, protocol.ID(proto))
	if err != nil {
		return nil, fmt.Errorf("p2p: open %s on %s: %w", proto, p, err)
	}
	st := h.newStream(ctx, s)
	if err := st.writeFrame(data); err != nil {
		_ = st.Reset()
		return nil, fmt.Errorf("p2p: open %s on %s: request: %w", proto, p, err)
	}
	return st, nil
}

// HandleStream serves proto with fn: each inbound stream starts with one
// request of at most maxReq bytes. A request that is too large or cut
// short resets the stream; one not signed by the sending peer is answered
// with CodeUnauthenticated and never reaches fn.
func (h *Host) HandleStream(proto string, maxReq int, fn StreamHandler) {
	h.host.SetStreamHandler(protocol.ID(proto), func(s network.Stream) {
		h.serveStream(s, maxReq, fn)
	})
}

// serveStream runs fn on an inbound stream.
func (h *Host) serveStream(s network.Stream, maxReq int, fn StreamHandler) {
	from := s.Conn().RemotePeer()
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	st := h.newStream(ctx, s)

	data, release, err := st.readFrame(maxReq)
	if err != nil {
		h.log.Debug("stream request refused", "protocol", s.Protocol(), "peer", from, "err", err)
		_ = st.Reset()
		return
	}
	defer release()
	env, err := wire.Parse(data, maxReq)
	if err == nil && env.Signer() != from {
		h.log.Warn("stream request signed by another peer", "protocol", s.Protocol(), "peer", from, "signer", env.Signer())
		err = &RemoteError{Code: CodeUnauthenticated,
			Message: fmt.Sprintf("request signed by %s, not by the sending peer", env.Signer())}
	}
	if err == nil {
		err = fn(ctx, from, &Request{env: env}, st)
	}
	if err == nil {
		_ = st.Close()
		return
	}
	h.log.Debug("stream handler failed", "protocol", s.Protocol(), "peer", from, "err", err)
	if st.wrote {
		_ = st.Reset()
		return
	}
	if werr := st.WriteError(err); werr != nil {
		_ = st.Reset()
		return
	}
	_ = st.Close()
}

// newStream wraps s, resetting it when ctx ends.
func (h *Host) newStream(ctx context.Context, s network.Stream) *Stream {
	st := &Stream{s: s, h: h, ctx: ctx, remote: s.Conn().RemotePeer(), idle: StreamIdleTimeout}
	st.stop = context.AfterFunc(ctx, func() { _ = s.Reset() })
	return st
}

// Remote returns the peer at the other end.
func (s *Stream) Remote() peer.ID { return s.remote }

// SetIdleTimeout replaces StreamIdleTimeout for this stream. It must not
// run concurrently with a read or a write.
func (s *Stream) SetIdleTimeout(d time.Duration) {
	s.idle = d
	s.moved.Store(0)
	s.touch()
}

// touch pushes both deadlines idle into the future, at most every idle/8:
// progress in either direction keeps the whole stream alive, so a reader
// waiting for a reply while the same side uploads does not time out.
// Deadlines apply to calls already blocked, too.
func (s *Stream) touch() {
	now := time.Now()
	if last := s.moved.Load(); now.UnixNano()-last < int64(s.idle/8) || !s.moved.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	_ = s.s.SetDeadline(now.Add(s.idle))
}

// WriteMessage seals m with the host's key and sends it as one frame.
func (s *Stream) WriteMessage(m wire.Message) error {
	data, err := wire.Seal(s.h.priv, m)
	if err != nil {
		return err
	}
	return s.writeFrame(data)
}

// WriteError sends err as a wire.Error, coded as a Handler's error would
// be; the peer's ReadMessage returns it as a *RemoteError.
func (s *Stream) WriteError(err error) error { return s.WriteMessage(errorReply(err)) }

// ReadMessage reads one frame of at most max bytes and decodes it into m.
// The message must be signed by the remote peer (ErrUnexpectedSigner
// otherwise); a wire.Error is returned as a *RemoteError.
func (s *Stream) ReadMessage(max int, m wire.Message) error {
	data, release, err := s.readFrame(max)
	if err != nil {
		return err
	}
	defer release()
	env, err := wire.Parse(data, max)
	if err != nil {
		return fmt.Errorf("p2p: stream from %s: %w", s.remote, err)
	}
	if env.Signer() != s.remote {
		return fmt.Errorf("%w: %s answered for %s", ErrUnexpectedSigner, env.Signer(), s.remote)
	}
	if env.Type() == (wire.Error{}).WireType() && m.WireType() != env.Type() {
		var we wire.Error
		if err := env.Decode(&we); err != nil {
			return fmt.Errorf("p2p: stream from %s: error reply: %w", s.remote, err)
		}
		return &RemoteError{Code: we.Code, Message: we.Message}
	}
	if err := env.Decode(m); err != nil {
		return fmt.Errorf("p2p: stream from %s: %w", s.remote, err)
	}
	return nil
}

// Read reads raw bytes. It returns io.EOF once the peer has closed its
// side and everything it sent has been read.
func (s *Stream) Read(p []byte) (int, error) {
	s.touch()
	n, err := s.s.Read(p)
	if n > 0 {
		s.touch()
	}
	if err != nil && err != io.EOF {
		err = s.fail("read", err)
	}
	return n, err
}

// Write writes raw bytes.
func (s *Stream) Write(p []byte) (int, error) {
	s.touch()
	s.wrote = true
	n, err := s.s.Write(p)
	if n > 0 {
		s.touch()
	}
	if err != nil {
		err = s.fail("write", err)
	}
	return n, err
}

// CloseWrite tells the peer nothing more is coming; reading goes on.
func (s *Stream) CloseWrite() error {
	if err := s.s.CloseWrite(); err != nil {
		return s.fail("close write", err)
	}
	return nil
}

// Close closes both directions once what was written has been sent.
func (s *Stream) Close() error {
	s.stop()
	s.closed.Store(true)
	if err := s.s.Close(); err != nil {
		return s.fail("close", err)
	}
	return nil
}

// Reset aborts the stream in both directions; the peer's calls fail.
// After Close it does nothing.
func (s *Stream) Reset() error {
	s.stop()
	if s.closed.Load() {
		return nil
	}
	return s.s.Reset()
}

// fail names what failed, and says so when it failed because ctx ended.
func (s *Stream) fail(what string, err error) error {
	if cerr := s.ctx.Err(); cerr != nil {
		return fmt.Errorf("p2p: stream with %s: %s: %w", s.remote, what, cerr)
	}
	return fmt.Errorf("p2p: stream with %s: %s: %w", s.remote, what, err)
}

// writeFrame sends one frame through Write, so that it counts as progress.
func (s *Stream) writeFrame(data []byte) error { return wire.WriteFrame(s, data) }

// readFrame reads one frame of at most max bytes through Read, accounting
// its buffer in the stream's resource scope like the package's readFrame.
func (s *Stream) readFrame(max int) (b []byte, release func(), err error) {
	n, err := wire.ReadFrameLen(s, max)
	if err != nil {
		return nil, nil, err
	}
	scope := s.s.Scope()
	if err := scope.ReserveMemory(n, frameReservation); err != nil {
		return nil, nil, fmt.Errorf("p2p: frame of %d bytes: %w", n, err)
	}
	b = make([]byte, n)
	if _, err := io.ReadFull(s, b); err != nil {
		scope.ReleaseMemory(n)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, nil, fmt.Errorf("p2p: frame body: %w", err)
	}
	return b, func() { scope.ReleaseMemory(n) }, nil
}
