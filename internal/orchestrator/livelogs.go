package orchestrator

import (
	"context"
	"sync"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
)

// maxLiveBytes bounds what is kept of one stream of a running task; the
// complete output arrives with the result.
const maxLiveBytes = 1 << 20

// liveOutput is what a running task has written so far.
type liveOutput struct {
	mu             sync.Mutex
	stdout, stderr []byte
	truncated      bool
}

func (l *liveOutput) add(stream string, offset int64, data []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	dst := &l.stdout
	if stream == "stderr" {
		dst = &l.stderr
	}
	// Chunks arrive in order; one that does not continue the stream (a
	// chunk was dropped) is kept from where it starts being new.
	if have := int64(len(*dst)); offset < have {
		skip := have - offset
		if skip >= int64(len(data)) {
			return
		}
		data = data[skip:]
	}
	if room := maxLiveBytes - len(*dst); len(data) > room {
		data = data[:max(room, 0)]
		l.truncated = true
	}
	*dst = append(*dst, data...)
}

func (l *liveOutput) snapshot() (stdout, stderr string, truncated bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.stdout), string(l.stderr), l.truncated
}

// handleLogs keeps the output a running task sends, for followers.
func (o *Orchestrator) handleLogs(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	var c wire.LogChunk
	if err := req.Decode(&c); err != nil {
		return nil, err
	}
	if len(c.Data) > wire.MaxLogChunk || c.Offset < 0 || (c.Stream != "stdout" && c.Stream != "stderr") {
		return nil, &p2p.RemoteError{Code: p2p.CodeBadRequest, Message: "malformed log chunk"}
	}
	run := o.lookup(c.TaskID)
	if run == nil || run.provider != from {
		return &wire.LogAck{Known: false}, nil
	}
	run.live.add(c.Stream, c.Offset, c.Data)
	return &wire.LogAck{Known: true}, nil
}

// liveLogs returns the output so far of a job's running tasks.
func (o *Orchestrator) liveLogs(jobID string) []api.TaskLog {
	o.mu.Lock()
	var runs []*taskRun
	for _, r := range o.tasks {
		if r.jobID == jobID {
			runs = append(runs, r)
		}
	}
	o.mu.Unlock()
	out := make([]api.TaskLog, 0, len(runs))
	for _, r := range runs {
		stdout, stderr, trunc := r.live.snapshot()
		out = append(out, api.TaskLog{TaskID: r.recordID, Shard: r.shard, Replica: r.replica, Stdout: stdout, Stderr: stderr, Truncated: trunc, Partial: true})
	}
	return out
}
