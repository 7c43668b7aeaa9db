package provider

import (
	"context"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// liveLog forwards what a running task writes to one stream to the
// orchestrator in chunks, every flushEvery or when a chunk is full, so that
// consumers can follow it. Forwarding is best effort: a chunk that cannot be
// delivered is dropped (the complete, bounded output still comes with the
// result).
type liveLog struct {
	p      *Provider
	to     peer.ID
	task   string
	stream string

	mu      sync.Mutex
	pending []byte
	offset  int64 // stream offset of pending[0]
	full    chan struct{}
}

const flushEvery = 200 * time.Millisecond

func (p *Provider) newLiveLog(to peer.ID, task, stream string) *liveLog {
	return &liveLog{p: p, to: to, task: task, stream: stream, full: make(chan struct{}, 1)}
}

// Write implements io.Writer; it never blocks on the network.
func (l *liveLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	l.pending = append(l.pending, b...)
	n := len(l.pending)
	l.mu.Unlock()
	if n >= wire.MaxLogChunk {
		select {
		case l.full <- struct{}{}:
		default:
		}
	}
	return len(b), nil
}

// run flushes until ctx ends, then flushes what is left.
func (l *liveLog) run(ctx context.Context) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			l.flush(context.WithoutCancel(ctx))
			return
		case <-t.C:
		case <-l.full:
		}
		l.flush(ctx)
	}
}

func (l *liveLog) flush(ctx context.Context) {
	for {
		l.mu.Lock()
		if len(l.pending) == 0 {
			l.mu.Unlock()
			return
		}
		n := min(len(l.pending), wire.MaxLogChunk)
		chunk := wire.LogChunk{TaskID: l.task, Stream: l.stream, Offset: l.offset, Data: append([]byte(nil), l.pending[:n]...)}
		l.pending = l.pending[n:]
		l.offset += int64(n)
		l.mu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		var ack wire.LogAck
		err := l.p.net.Call(cctx, l.to, wire.ProtocolLogs, &chunk, &ack, wire.MaxControlMessage)
		cancel()
		if err != nil {
			l.p.log.Debug("live log chunk dropped", "task", l.task, "err", err)
		}
	}
}
