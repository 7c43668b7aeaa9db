package broker

import (
	"context"
	"errors"
	"time"
)

// maintainLoop audits and repairs every object each AuditInterval, and
// deletes the objects whose time is up.
func (b *Broker) maintainLoop() {
	t := time.NewTicker(b.cfg.AuditInterval)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-t.C:
		}
		b.Maintain(b.ctx)
	}
}

// Maintain runs one round over every object: expire, audit, repair.
func (b *Broker) Maintain(ctx context.Context) {
	objs, err := b.db.list("")
	if err != nil {
		b.log.Warn("list objects", "err", err)
		return
	}
	now := time.Now()
	for _, o := range objs {
		if ctx.Err() != nil {
			return
		}
		if !o.ExpiresAt.IsZero() && now.After(o.ExpiresAt) {
			if err := b.Delete(ctx, o.CID, ""); err != nil {
				b.log.Warn("delete expired object", "cid", o.CID, "err", err)
			}
			continue
		}
		if _, err := b.Audit(ctx, o.CID); err != nil {
			b.log.Warn("audit", "cid", o.CID, "err", err)
		}
		if _, err := b.Repair(ctx, o.CID); err != nil && !errors.Is(err, ErrUnrepairable) {
			b.log.Warn("repair", "cid", o.CID, "err", err)
		} else if err != nil {
			b.log.Warn("object cannot be repaired yet", "cid", o.CID, "err", err)
		}
	}
}
