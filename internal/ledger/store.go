package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// kv is what modules read and write. Every layer of state (committed,
// block, transaction) offers it.
type kv interface {
	get(key string) ([]byte, bool)
	set(key string, value []byte)
	del(key string)
}

// overlay buffers writes over a parent; write applies them to the parent,
// and dropping the overlay discards them. A nil value marks a deletion.
type overlay struct {
	parent kv
	writes map[string][]byte
}

func newOverlay(parent kv) *overlay {
	return &overlay{parent: parent, writes: map[string][]byte{}}
}

func (o *overlay) get(key string) ([]byte, bool) {
	if v, ok := o.writes[key]; ok {
		return v, v != nil
	}
	return o.parent.get(key)
}

func (o *overlay) set(key string, value []byte) {
	if value == nil {
		value = []byte{}
	}
	o.writes[key] = value
}

func (o *overlay) del(key string) { o.writes[key] = nil }

// write applies the buffered writes to the parent and clears them.
func (o *overlay) write() {
	for k, v := range o.writes {
		if v == nil {
			o.parent.del(k)
		} else {
			o.parent.set(k, v)
		}
	}
	clear(o.writes)
}

// store is the committed state: every key in memory, persisted to bbolt at
// each commit together with the height and app hash. The app hash chains
// the previous hash with the block's sorted write set, so two nodes that
// applied the same blocks have the same hash.
type store struct {
	mu      sync.RWMutex
	data    map[string][]byte
	db      *bolt.DB // nil for an in-memory store
	height  int64
	appHash []byte
}

var (
	bucketState = []byte("state")
	bucketMeta  = []byte("meta")
	keyHeight   = []byte("height")
	keyAppHash  = []byte("appHash")
)

// openStore loads the state persisted at path, or an empty one. An empty
// path keeps the state in memory only.
func openStore(path string) (*store, error) {
	s := &store{data: map[string][]byte{}}
	if path == "" {
		return s, nil
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return nil, fmt.Errorf("ledger: open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		st, err := tx.CreateBucketIfNotExists(bucketState)
		if err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if h := meta.Get(keyHeight); len(h) == 8 {
			s.height = int64(binary.BigEndian.Uint64(h))
		}
		s.appHash = slices.Clone(meta.Get(keyAppHash))
		return st.ForEach(func(k, v []byte) error {
			s.data[string(k)] = slices.Clone(v)
			return nil
		})
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: load state: %w", err)
	}
	s.db = db
	return s, nil
}

func (s *store) get(key string) ([]byte, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.data[key]
	return v, ok
}

func (s *store) set(string, []byte) { panic("ledger: write to committed state outside commit") }
func (s *store) del(string)         { panic("ledger: write to committed state outside commit") }

// hashWrites is the app hash after applying writes at height on top of
// prev.
func hashWrites(prev []byte, height int64, writes map[string][]byte) []byte {
	h := sha256.New()
	var n [8]byte
	h.Write([]byte("opensky/state/1"))
	writeLen := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	writeLen(prev)
	binary.BigEndian.PutUint64(n[:], uint64(height))
	h.Write(n[:])
	for _, k := range slices.Sorted(maps.Keys(writes)) {
		writeLen([]byte(k))
		v := writes[k]
		if v == nil {
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		writeLen(v)
	}
	return h.Sum(nil)
}

// commit applies a block's writes at height, persists them and returns the
// new app hash.
func (s *store) commit(height int64, writes map[string][]byte) ([]byte, error) {
	hash := hashWrites(s.appHash, height, writes)
	if s.db != nil {
		err := s.db.Update(func(tx *bolt.Tx) error {
			st := tx.Bucket(bucketState)
			for k, v := range writes {
				var err error
				if v == nil {
					err = st.Delete([]byte(k))
				} else {
					err = st.Put([]byte(k), v)
				}
				if err != nil {
					return err
				}
			}
			var h [8]byte
			binary.BigEndian.PutUint64(h[:], uint64(height))
			meta := tx.Bucket(bucketMeta)
			if err := meta.Put(keyHeight, h[:]); err != nil {
				return err
			}
			return meta.Put(keyAppHash, hash)
		})
		if err != nil {
			return nil, fmt.Errorf("ledger: persist block %d: %w", height, err)
		}
	}
	s.mu.Lock()
	for k, v := range writes {
		if v == nil {
			delete(s.data, k)
		} else {
			s.data[k] = v
		}
	}
	s.height, s.appHash = height, hash
	s.mu.Unlock()
	return hash, nil
}

func (s *store) close() error {
	if s.db == nil {
		return nil
	}
	return s.db.Close()
}
