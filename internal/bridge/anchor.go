package bridge

import (
	"context"
	"encoding/hex"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

var (
	keyLastAnchor    = []byte("last-anchor")    // height of the last anchor queued
	keyPendingAnchor = []byte("pending-anchor") // payout ID of the last anchor queued
)

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
		var last int64
		if _, err := getJSON(tx, bucketMeta, keyLastAnchor, &last); err != nil {
			return err
		}
		if height-last < b.cfg.AnchorEvery {
			return nil
		}
		if id := tx.Bucket(bucketMeta).Get(keyPendingAnchor); id != nil {
			var p Payout
			if ok, err := getJSON(tx, bucketPayouts, id, &p); err != nil || (ok && p.State != PayoutDone && p.State != PayoutRefused) {
				return err
			}
		}
		now := b.cfg.Now()
		h := hex.EncodeToString(hash)
		p := &Payout{ID: "anchor:" + strconv.FormatInt(height, 10), Kind: PayoutAnchor, State: PayoutQueued,
			Memo: AnchorMemo(b.cfg.ChainID, height, h), Height: height, Hash: h, Created: now, Updated: now}
		if _, err := queuePayout(tx, p); err != nil {
			return err
		}
		b.log.Info("anchor queued", "height", height, "hash", h)
		if err := tx.Bucket(bucketMeta).Put(keyPendingAnchor, []byte(p.ID)); err != nil {
			return err
		}
		return putJSON(tx, bucketMeta, keyLastAnchor, height)
	})
	if err != nil {
		return &fatalError{err}
	}
	return nil
}
