package broker

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/erasure"
)

// RepairReport says what a repair did.
type RepairReport struct {
	// Live is how many shards were live before the repair.
	Live int `json:"live"`
	// Rebuilt maps each rebuilt shard's index to its new provider.
	Rebuilt map[int]string `json:"rebuilt,omitempty"`
	// Failed maps shards that could not be rebuilt to why.
	Failed map[int]string `json:"failed,omitempty"`
}

// ErrUnrepairable: fewer than k shards are live, so nothing can be
// rebuilt until providers come back.
var ErrUnrepairable = errors.New("storage: too few live shards to repair")

// Repair rebuilds object cid's missing shards — those on providers that
// are offline or known to have lost them — from k live ones, once fewer
// than Config.RepairBelow shards are live, and places each on a new
// provider that holds no other shard of the object. The rebuilt shards
// must hash to the roots committed at upload.
func (b *Broker) Repair(ctx context.Context, cid string) (RepairReport, error) {
	unlock := b.lock(cid)
	defer unlock()
	o, err := b.db.get(cid)
	if err != nil {
		return RepairReport{}, err
	}
	online := b.Online(ctx)
	h := ObjectHealth(o, online)
	rep := RepairReport{Live: h.Live}
	if h.Live >= b.cfg.RepairBelow(o.Layout) {
		return rep, nil
	}
	if h.Live < o.Layout.Data {
		return rep, fmt.Errorf("%w: %d of %d shards live, %d needed", ErrUnrepairable, h.Live, h.Total, o.Layout.Data)
	}
	var missing []int
	for _, p := range o.Shards {
		if !online[p.Peer] || p.State == ShardLost {
			missing = append(missing, p.Index)
		}
	}
	shardBytes := o.Layout.ShardSize(o.CipherLen)
	// Take as many new providers as there are; a partial repair is
	// better than none.
	var picked []string
	pickedAcct := map[string]string{}
	pickedPrice := map[string]int64{}
	for want := len(missing); want > 0; want-- {
		cs, err := b.choose(ctx, want, shardBytes, o.holders())
		if err == nil {
			for _, c := range cs {
				picked = append(picked, c.Peer)
				pickedAcct[c.Peer] = c.Owner
				pickedPrice[c.Peer] = c.Presence.Storage.PricePerGBMonth
			}
			break
		}
		if want == 1 {
			return rep, fmt.Errorf("storage: no provider to rebuild on: %w", err)
		}
	}
	missing = missing[:len(picked)]

	skip := map[int]bool{}
	for _, i := range missing {
		skip[i] = true
	}
	sources := b.sources(ctx, o, skip)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	targets := map[int]io.Writer{}
	uploads := map[int]*shardUpload{}
	for k, i := range missing {
		info := storage.ShardInfo{ID: o.shardID(i), Pieces: o.Layout.Pieces(o.CipherLen), Root: o.Shards[i].Root}
		uploads[i] = b.startUpload(ctx, picked[k], info)
		targets[i] = uploads[i]
	}
	rerr := erasure.Rebuild(ctx, o.Layout, o.CipherLen, o.roots(), sources, targets)
	got := map[int]storage.Hash{}
	errs := map[int]error{}
	for i, u := range uploads {
		got[i], errs[i] = u.finish(rerr)
	}
	if rerr != nil {
		for k, i := range missing {
			if errs[i] == nil {
				b.deleteOne(picked[k], o.shardID(i))
			}
		}
		return rep, fmt.Errorf("storage: rebuild: %w", rerr)
	}

	rep.Rebuilt, rep.Failed = map[int]string{}, map[int]string{}
	for k, i := range missing {
		peer := picked[k]
		if err := errs[i]; err != nil {
			rep.Failed[i] = err.Error()
			continue
		}
		if got[i] != o.Shards[i].Root {
			rep.Failed[i] = fmt.Sprintf("stored root %s, want %s", got[i], o.Shards[i].Root)
			b.deleteOne(peer, o.shardID(i))
			continue
		}
		old := o.Shards[i].Peer
		o.Shards[i] = Placement{
			Index: i, Peer: peer, Account: pickedAcct[peer], Root: o.Shards[i].Root, State: ShardOK,
			PricePerGBMonth: pickedPrice[peer],
		}
		rep.Rebuilt[i] = peer
		// The old holder may come back; it is no longer paid, so tell it
		// to drop the shard when it can be reached.
		if online[old] {
			b.deleteOne(old, o.shardID(i))
		}
	}
	if len(rep.Rebuilt) == 0 {
		return rep, fmt.Errorf("storage: no shard could be rebuilt")
	}
	o.Repairs++
	if err := b.db.put(o); err != nil {
		return rep, err
	}
	if b.deals != nil && o.Deal != "" {
		for i := range rep.Rebuilt {
			if err := b.deals.Replace(ctx, o, i); err != nil {
				b.log.Warn("move the shard in the deal", "cid", cid, "shard", i, "err", err)
			}
		}
	}
	b.log.Info("object repaired", "cid", cid, "rebuilt", len(rep.Rebuilt), "failed", len(rep.Failed))
	return rep, nil
}

// deleteOne removes one shard from one provider, best effort.
func (b *Broker) deleteOne(peer string, id storage.ShardID) {
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.Timeout)
	defer cancel()
	st, err := b.store(peer)
	if err == nil {
		err = st.Delete(ctx, id)
	}
	if err != nil {
		b.log.Debug("delete shard", "shard", id.String(), "peer", peer, "err", err)
	}
}
