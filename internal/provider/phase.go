package provider

import (
	"context"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// phaseReporter tells the orchestrator, in order and without holding the
// task up, which phase a task entered. Reports are best effort: one that
// cannot be delivered within a second is dropped, and an orchestrator that
// does not know the protocol only misses the detail.
type phaseReporter struct {
	p    *Provider
	to   peer.ID
	task string
	next chan wire.TaskPhase
	done chan struct{}
}

func (p *Provider) newPhaseReporter(to peer.ID, task string) *phaseReporter {
	r := &phaseReporter{p: p, to: to, task: task, next: make(chan wire.TaskPhase, 4), done: make(chan struct{})}
	go r.run()
	return r
}

// report queues a phase; it never blocks.
func (r *phaseReporter) report(phase, detail string) {
	if len(detail) > wire.MaxPhaseDetail {
		detail = strings.ToValidUTF8(detail[:wire.MaxPhaseDetail], "")
	}
	select {
	case r.next <- wire.TaskPhase{TaskID: r.task, Phase: phase, UnixMilli: time.Now().UnixMilli(), Detail: detail}:
	default:
	}
}

// close waits until the queued reports were sent (or dropped), so that
// they reach the orchestrator before the task's result.
func (r *phaseReporter) close() {
	close(r.next)
	<-r.done
}

func (r *phaseReporter) run() {
	defer close(r.done)
	for m := range r.next {
		ctx, cancel := context.WithTimeout(r.p.ctx, time.Second)
		var ack wire.PhaseAck
		if err := r.p.net.Call(ctx, r.to, wire.ProtocolPhase, &m, &ack, wire.MaxControlMessage); err != nil {
			r.p.log.Debug("phase report dropped", "task", r.task, "phase", m.Phase, "err", err)
		}
		cancel()
	}
}
