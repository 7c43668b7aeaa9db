package bridge

import (
	"context"
	"encoding/hex"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// keyLastAnchor holds the payout ID of the last anchor queued.
var keyLastAnchor = []byte("last-anchor")

// queueAnchor queues an anchor of the latest OpenSky block once AnchorEvery
// blocks have passed since the last one, unless the last one is still on
// its way (the next covers everything before it anyway).
func (b *Bridge) queueAnchor(ctx context.Context) error {
	if b.cfg.AnchorEvery == 0 {
		return nil
	}
	height, hash, err := b.led.Head(ctx)
	if err != nil {
		return err
	}
	err = b.st.update(func(tx *bolt.Tx) error {
		if id := tx.Bucket(bucketMeta).Get(keyLastAnchor); id != nil {
			var last Payout
			if _, err := getJSON(tx, bucketPayouts, id, &last); err != nil {
				return err
			}
			if height-last.Height < b.cfg.AnchorEvery || (last.State != PayoutDone && last.State != PayoutRefused) {
				return nil
			}
		} else if height < b.cfg.AnchorEvery {
			return nil
		}
		now := b.cfg.Now()
		h := hex.EncodeToString(hash)
		p := &Payout{ID: "anchor:" + strconv.FormatInt(height, 10), Kind: PayoutAnchor, State: PayoutQueued,
			Memo: AnchorMemo(b.cfg.ChainID, height, h), Height: height, Hash: h, Created: now, Updated: now}
		if _, err := queuePayout(tx, p); err != nil {
			return err
		}
		b.log.Info("anchor queued", "height", height, "hash", h)
		return tx.Bucket(bucketMeta).Put(keyLastAnchor, []byte(p.ID))
	})
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
