package broker

import "context"

// Delete removes object cid: its shards from their providers (best
// effort: a provider that is offline keeps its shard until it is told
// again, but is no longer paid), its deal is closed with the rest
// refunded, and its record goes. An owner other than the object's gets
// ErrNotFound.
func (b *Broker) Delete(ctx context.Context, cid, owner string) error {
	unlock := b.lock(cid)
	defer unlock()
	o, err := b.Object(cid, owner)
	if err != nil {
		return err
	}
	if b.deals != nil && o.Deal != "" {
		if err := b.deals.Close(ctx, o); err != nil {
			return err
		}
	}
	b.deleteShards(o, nil)
	if err := b.db.delete(cid); err != nil {
		return err
	}
	b.log.Info("object deleted", "cid", cid)
	return nil
}
