package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"
)

var bucketObjects = []byte("objects")

// objectStore keeps objects in a bbolt file, one JSON record per CID.
type objectStore struct{ db *bolt.DB }

func openObjectStore(path string) (*objectStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 0})
	if err != nil {
		return nil, fmt.Errorf("broker: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketObjects)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("broker: open %s: %w", path, err)
	}
	return &objectStore{db: db}, nil
}

func (s *objectStore) close() error { return s.db.Close() }

func (s *objectStore) put(o *Object) error {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("broker: encode object %s: %w", o.CID, err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketObjects).Put([]byte(o.CID), b)
	})
}

func (s *objectStore) get(cid string) (*Object, error) {
	var o *Object
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketObjects).Get([]byte(cid))
		if b == nil {
			return ErrNotFound
		}
		o = new(Object)
		return json.Unmarshal(b, o)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		err = fmt.Errorf("broker: read object %s: %w", cid, err)
	}
	return o, err
}

func (s *objectStore) delete(cid string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketObjects).Delete([]byte(cid))
	})
}

// list returns the objects owned by owner (every object when owner is
// empty), newest first.
func (s *objectStore) list(owner string) ([]*Object, error) {
	var out []*Object
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketObjects).ForEach(func(_, v []byte) error {
			o := new(Object)
			if err := json.Unmarshal(v, o); err != nil {
				return err
			}
			if owner == "" || o.Owner == owner {
				out = append(out, o)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("broker: list objects: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].CID < out[j].CID
	})
	return out, nil
}
