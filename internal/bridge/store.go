package bridge

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketMeta     = []byte("meta")
	bucketDeposits = []byte("deposits") // ref → Deposit
	bucketPayouts  = []byte("payouts")  // id → Payout
	bucketMemos    = []byte("memos")    // hex blake2 of a memo → payout id
	bucketAnchors  = []byte("anchors")  // height (8 bytes, big-endian) → Anchor

	keyCursor  = []byte("polkadot-cursor")
	keyOpenSky = []byte("opensky-cursor")
	keySeq     = []byte("seq")
	keyChain   = []byte("chain") // chain ID and Polkadot genesis the file belongs to
)

// ErrNotFound is returned for a deposit, payout or anchor the bridge does
// not know.
var ErrNotFound = errors.New("bridge: not found")

// cursor is the last Polkadot block the bridge scanned.
type cursor struct {
	Number uint64 `json:"number"`
	Hash   string `json:"hash"`
}

// identityRecord binds the state file to one pair of chains, so a file
// reused against another network is refused instead of misread.
type identityRecord struct {
	ChainID string `json:"chainId"`
	Genesis string `json:"genesis"`
	Account string `json:"account"`
}

// store keeps the bridge's state in a bbolt file. Every change that must
// hold together (a block's deposits and the cursor past it) is one
// transaction.
type store struct{ db *bolt.DB }

func openStore(path string) (*store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 0})
	if err != nil {
		return nil, fmt.Errorf("bridge: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketDeposits, bucketPayouts, bucketMemos, bucketAnchors} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bridge: open %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

// bind records which chains the file belongs to, or checks it.
func (s *store) bind(id identityRecord) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var old identityRecord
		ok, err := getJSON(tx, bucketMeta, keyChain, &old)
		if err != nil {
			return err
		}
		if ok && old != id {
			return fmt.Errorf("bridge: the state file belongs to chain %q, Polkadot genesis %s and bridge account %s, not %q, %s and %s: use another data directory",
				old.ChainID, old.Genesis, old.Account, id.ChainID, id.Genesis, id.Account)
		}
		return putJSON(tx, bucketMeta, keyChain, id)
	})
}

func getJSON(tx *bolt.Tx, bucket, key []byte, v any) (bool, error) {
	b := tx.Bucket(bucket).Get(key)
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("bridge: decode %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

func putJSON(tx *bolt.Tx, bucket, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("bridge: encode %s/%s: %w", bucket, key, err)
	}
	return tx.Bucket(bucket).Put(key, b)
}

func (s *store) cursor() (cursor, bool, error) {
	var c cursor
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		ok, err = getJSON(tx, bucketMeta, keyCursor, &c)
		return err
	})
	return c, ok, err
}

// openSkyCursor is the last OpenSky height scanned for burns; ok is false
// before the first scan.
func (s *store) openSkyCursor() (h int64, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		ok, err = getJSON(tx, bucketMeta, keyOpenSky, &h)
		return err
	})
	return h, ok, err
}

// nextSeq numbers payouts in the order they were queued.
func nextSeq(tx *bolt.Tx) (uint64, error) {
	var n uint64
	if _, err := getJSON(tx, bucketMeta, keySeq, &n); err != nil {
		return 0, err
	}
	n++
	return n, putJSON(tx, bucketMeta, keySeq, n)
}

// queuePayout adds p unless a payout with its ID exists; it reports
// whether it added it.
func queuePayout(tx *bolt.Tx, p *Payout) (bool, error) {
	if tx.Bucket(bucketPayouts).Get([]byte(p.ID)) != nil {
		return false, nil
	}
	seq, err := nextSeq(tx)
	if err != nil {
		return false, err
	}
	p.Seq = seq
	if err := putJSON(tx, bucketPayouts, []byte(p.ID), p); err != nil {
		return false, err
	}
	h := memoHash(p.Memo)
	return true, tx.Bucket(bucketMemos).Put([]byte(h.Hex()), []byte(p.ID))
}

func (s *store) update(fn func(tx *bolt.Tx) error) error { return s.db.Update(fn) }

func (s *store) payout(id string) (Payout, error) {
	var p Payout
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx, bucketPayouts, []byte(id), &p)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
	return p, err
}

func (s *store) deposit(ref string) (Deposit, error) {
	var d Deposit
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx, bucketDeposits, []byte(ref), &d)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
	return d, err
}

// payouts lists the payouts keep accepts, in queue order.
func (s *store) payouts(keep func(*Payout) bool) ([]Payout, error) {
	var out []Payout
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPayouts).ForEach(func(_, v []byte) error {
			var p Payout
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("bridge: decode payout: %w", err)
			}
			if keep(&p) {
				out = append(out, p)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, err
}

// deposits lists the deposits keep accepts, oldest first.
func (s *store) deposits(keep func(*Deposit) bool) ([]Deposit, error) {
	var out []Deposit
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDeposits).ForEach(func(_, v []byte) error {
			var d Deposit
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("bridge: decode deposit: %w", err)
			}
			if keep(&d) {
				out = append(out, d)
			}
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Block != out[j].Block {
			return out[i].Block < out[j].Block
		}
		return out[i].Event < out[j].Event
	})
	return out, err
}

func heightKey(h int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(h)) }

// anchorCovering is the first anchor at or above height.
func (s *store) anchorCovering(height int64) (Anchor, error) {
	var a Anchor
	err := s.db.View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketAnchors).Cursor().Seek(heightKey(height))
		if k == nil {
			return ErrNotFound
		}
		return json.Unmarshal(v, &a)
	})
	return a, err
}

// anchors lists the last n anchors, newest first.
func (s *store) anchors(n int) ([]Anchor, error) {
	var out []Anchor
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAnchors).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var a Anchor
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("bridge: decode anchor: %w", err)
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}
