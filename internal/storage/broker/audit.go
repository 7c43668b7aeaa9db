package broker

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/merkle"
)

// AuditResult is one shard's outcome in an audit round.
type AuditResult struct {
	Index  int    `json:"index"`
	Peer   string `json:"peer"`
	Passed bool   `json:"passed"`
	Error  string `json:"error,omitempty"`
}

// Audit challenges every shard of object cid: each provider must return
// storage.AuditChallenges random pieces with their Merkle paths to the
// root committed at upload. The results are recorded on the object and
// reported to its deal; shards whose provider said it lost them, or that
// failed FailLimit audits in a row, become ShardLost for repair.
func (b *Broker) Audit(ctx context.Context, cid string) ([]AuditResult, error) {
	unlock := b.lock(cid)
	defer unlock()
	o, err := b.db.get(cid)
	if err != nil {
		return nil, err
	}
	online := b.Online(ctx)
	results := make([]AuditResult, len(o.Shards))
	// skipped marks shards already lost: not challenged, not counted again.
	skipped := make([]bool, len(o.Shards))
	// Draw every shard's challenges first, in shard order, so that a
	// seeded source gives the same audit every time.
	pieces := o.Layout.Pieces(o.CipherLen)
	asked := make([][]int64, len(o.Shards))
	b.randMu.Lock()
	for i := range o.Shards {
		if asked[i], err = challenges(b.cfg.Rand, pieces, b.cfg.challenges()); err != nil {
			b.randMu.Unlock()
			return nil, err
		}
	}
	b.randMu.Unlock()
	var wg sync.WaitGroup
	for i, p := range o.Shards {
		results[i] = AuditResult{Index: p.Index, Peer: p.Peer}
		if p.State == ShardLost {
			results[i].Error, skipped[i] = "shard lost, awaiting repair", true
			continue
		}
		if !online[p.Peer] {
			results[i].Error = "provider offline"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := b.auditShard(ctx, o, p, asked[i])
			results[i].Passed = err == nil
			if err != nil {
				results[i].Error = err.Error()
				if errors.Is(err, storage.ErrShardNotFound) {
					o.Shards[i].State = ShardLost
				}
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	now := time.Now().UTC()
	passed := map[int]bool{}
	for i, r := range results {
		p := &o.Shards[i]
		p.LastAudit = now
		if r.Passed {
			p.Audits++
			p.Failures, p.LastError, p.State = 0, "", ShardOK
			passed[p.Index] = true
			continue
		}
		if skipped[i] {
			continue
		}
		p.Failures++
		p.LastError = r.Error
		if p.State != ShardLost {
			p.State = ShardFailing
			if p.Failures >= b.cfg.FailLimit {
				p.State = ShardLost
			}
		}
	}
	o.LastAudit = now
	if err := b.db.put(o); err != nil {
		return results, err
	}
	if b.deals != nil && o.Deal != "" {
		if err := b.deals.Audit(ctx, o, passed); err != nil {
			b.log.Warn("report the audit to the deal", "cid", cid, "deal", o.Deal, "err", err)
		}
	}
	return results, nil
}

// auditShard challenges one shard; nil means every proof verified.
func (b *Broker) auditShard(ctx context.Context, o *Object, p Placement, indices []int64) error {
	st, err := b.store(p.Peer)
	if err != nil {
		return err
	}
	n := o.Layout.Pieces(o.CipherLen)
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	proofs, err := st.Prove(ctx, o.shardID(p.Index), indices)
	if err != nil {
		return fmt.Errorf("prove: %w", err)
	}
	return CheckProofs(p.Root, n, indices, proofs)
}

// CheckProofs verifies the answer to a challenge of the given piece
// indices of a shard of n pieces with root root.
func CheckProofs(root storage.Hash, n int64, indices []int64, proofs []storage.Proof) error {
	if len(proofs) != len(indices) {
		return fmt.Errorf("%w: %d proofs for %d challenges", storage.ErrCorrupt, len(proofs), len(indices))
	}
	for i, pr := range proofs {
		switch {
		case pr.Index != indices[i]:
			return fmt.Errorf("%w: proof %d is for piece %d, not %d", storage.ErrCorrupt, i, pr.Index, indices[i])
		case len(pr.Piece) != storage.PieceSize:
			return fmt.Errorf("%w: piece %d has %d bytes", storage.ErrCorrupt, pr.Index, len(pr.Piece))
		case !merkle.Verify(root, n, pr.Index, merkle.Leaf(pr.Piece), pr.Path):
			return fmt.Errorf("%w: piece %d does not match the shard's root", storage.ErrCorrupt, pr.Index)
		}
	}
	return nil
}

func (c *Config) challenges() int {
	if c.Challenges > 0 {
		return c.Challenges
	}
	return storage.AuditChallenges
}

// challenges picks k distinct piece indices below n (all of them when
// n <= k), uniformly at random.
func challenges(src io.Reader, n int64, k int) ([]int64, error) {
	if n <= int64(k) {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i)
		}
		return out, nil
	}
	seen := make(map[int64]bool, k)
	out := make([]int64, 0, k)
	max := big.NewInt(n)
	for len(out) < k {
		v, err := rand.Int(src, max)
		if err != nil {
			return nil, fmt.Errorf("storage: challenge: %w", err)
		}
		if i := v.Int64(); !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out, nil
}
