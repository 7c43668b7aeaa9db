package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/blob"
	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/safepath"
)

// taskIDPattern bounds task IDs, which name work directories.
var taskIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,127}$`)

// handleBid answers a bid request from the provider's own point of view:
// it bids only for engines it runs and resources it has free right now,
// and holds them for the bidder until the dispatch comes or BidHold ends.
func (p *Provider) handleBid(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	var br wire.BidRequest
	if err := req.Decode(&br); err != nil {
		return nil, err
	}
	bid := &wire.Bid{TaskID: br.TaskID, Provider: p.net.ID().String()}
	decline := func(format string, args ...any) (wire.Message, error) {
		bid.Reason = fmt.Sprintf(format, args...)
		return bid, nil
	}
	if !taskIDPattern.MatchString(br.TaskID) {
		return decline("malformed task id")
	}
	if _, ok := p.execs[br.Engine]; !ok {
		return decline("engine %q not offered", br.Engine)
	}
	if err := validResources(br.Resources); err != nil {
		return decline("%v", err)
	}
	if br.MaxPrice > 0 && p.cfg.MinPrice > br.MaxPrice {
		return decline("minimum price %d over the cap of %d", p.cfg.MinPrice, br.MaxPrice)
	}
	expires := time.Now().Add(p.cfg.BidHold)
	if err := p.adm.reserve(br.TaskID, from.String(), br.Resources, expires); err != nil {
		return decline("%v", err)
	}
	bid.Accept, bid.Price, bid.ExpiresUnixMilli = true, p.cfg.PricePerCPUSecond, expires.UnixMilli()
	return bid, nil
}

func validResources(c wire.Capacity) error {
	if c.MilliCPU <= 0 || c.MemoryBytes <= 0 || c.DiskBytes < 0 || c.GPUs < 0 {
		return fmt.Errorf("invalid resources %+v", c)
	}
	return nil
}

// handleDispatch takes a task (or cancels one) on the dispatch protocol.
func (p *Provider) handleDispatch(_ context.Context, from peer.ID, req *p2p.Request) (wire.Message, error) {
	switch req.Type() {
	case (wire.Cancel{}).WireType():
		var c wire.Cancel
		if err := req.Decode(&c); err != nil {
			return nil, err
		}
		return &wire.CancelAck{TaskID: c.TaskID, Found: p.cancelTask(from, c.TaskID, c.Reason)}, nil
	case (wire.Dispatch{}).WireType():
	default:
		return nil, fmt.Errorf("unexpected message %q on %s", req.Type(), wire.ProtocolDispatch)
	}
	var d wire.Dispatch
	if err := req.Decode(&d); err != nil {
		return nil, err
	}
	t := &d.Task
	refuse := func(format string, args ...any) (wire.Message, error) {
		return &wire.DispatchAck{TaskID: t.TaskID, Reason: fmt.Sprintf(format, args...)}, nil
	}
	if err := checkTask(t); err != nil {
		return refuse("%v", err)
	}
	if _, ok := p.execs[t.Engine]; !ok {
		return refuse("engine %q not offered", t.Engine)
	}
	if d.Price < p.cfg.PricePerCPUSecond {
		return refuse("price %d is under this provider's %d", d.Price, p.cfg.PricePerCPUSecond)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return refuse("provider is shutting down")
	}
	if rt, dup := p.running[t.TaskID]; dup {
		if rt.from != from {
			return refuse("task %s is held for another peer", t.TaskID)
		}
		return &wire.DispatchAck{TaskID: t.TaskID, Accepted: true}, nil
	}
	if err := p.adm.claim(t.TaskID, from.String(), t.Resources); err != nil {
		return refuse("%v", err)
	}
	ctx, cancel := context.WithCancelCause(p.ctx)
	p.running[t.TaskID] = &runningTask{from: from, cancel: cancel}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer cancel(nil)
		p.execute(ctx, from, d)
	}()
	return &wire.DispatchAck{TaskID: t.TaskID, Accepted: true}, nil
}

// checkTask validates a dispatched task before anything touches disk.
func checkTask(t *wire.TaskSpec) error {
	if !taskIDPattern.MatchString(t.TaskID) {
		return fmt.Errorf("malformed task id")
	}
	if err := validResources(t.Resources); err != nil {
		return err
	}
	if t.TimeoutMs <= 0 {
		return fmt.Errorf("timeout must be positive")
	}
	if t.Shards <= 0 || t.Shard < 0 || t.Shard >= t.Shards {
		return fmt.Errorf("shard %d of %d", t.Shard, t.Shards)
	}
	if t.Engine == "wasm" && !blob.ValidRef(t.ModuleHash) {
		return fmt.Errorf("module reference %q", t.ModuleHash)
	}
	seen := map[string]bool{}
	for _, in := range t.Inputs {
		if err := safepath.Check(in.Path); err != nil || seen[in.Path] {
			return fmt.Errorf("input path %q", in.Path)
		}
		seen[in.Path] = true
	}
	for _, in := range t.InputRefs {
		if err := safepath.Check(in.Path); err != nil || seen[in.Path] || !blob.ValidRef(in.Hash) || in.Size < 0 || in.Size > wire.MaxBlob {
			return fmt.Errorf("input %q", in.Path)
		}
		seen[in.Path] = true
	}
	for _, out := range t.Outputs {
		if err := safepath.Check(out); err != nil {
			return fmt.Errorf("output path %q", out)
		}
	}
	return nil
}

// cancelTask stops a running task on behalf of the peer that dispatched it.
func (p *Provider) cancelTask(from peer.ID, taskID, reason string) bool {
	p.mu.Lock()
	rt, ok := p.running[taskID]
	p.mu.Unlock()
	if !ok || rt.from != from {
		return false
	}
	rt.cancel(fmt.Errorf("cancelled by the orchestrator: %s", reason))
	return true
}
