package orchestrator

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/api"
)

var (
	bucketJobs = []byte("jobs")
	bucketLogs = []byte("logs")
	bucketMeta = []byte("meta")
)

// errNoRecord is returned by the store for a job it does not hold.
var errNoRecord = errors.New("no such job")

// jobStore persists job records and task logs in bbolt, so that a restart
// of the orchestrator loses no job. Writes from concurrent jobs are
// coalesced into one transaction (bolt's Batch) and are durable when the
// call returns.
type jobStore struct {
	db *bolt.DB
}

func openJobStore(path string) (*jobStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("open job store %s: %w", path, err)
	}
	db.MaxBatchDelay = 200 * time.Microsecond
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketLogs, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init job store: %w", err)
	}
	return &jobStore{db: db}, nil
}

func (s *jobStore) close() error { return s.db.Close() }

// put writes a job record.
func (s *jobStore) put(j *api.Job) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encode job %s: %w", j.ID, err)
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).Put([]byte(j.ID), b)
	})
}

// get reads a job record.
func (s *jobStore) get(id string) (*api.Job, error) {
	var j api.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJobs).Get([]byte(id))
		if b == nil {
			return errNoRecord
		}
		return json.Unmarshal(b, &j)
	})
	if err != nil {
		return nil, err
	}
	return &j, nil
}

// each calls fn for every stored job, newest ID last.
func (s *jobStore) each(fn func(*api.Job) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(_, v []byte) error {
			var j api.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return fmt.Errorf("decode stored job: %w", err)
			}
			return fn(&j)
		})
	})
}

// putLog stores one task's captured output.
func (s *jobStore) putLog(jobID string, l api.TaskLog) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLogs).Put([]byte(jobID+"/"+l.TaskID), b)
	})
}

// logs returns the stored logs of a job's tasks.
func (s *jobStore) logs(jobID string) ([]api.TaskLog, error) {
	var out []api.TaskLog
	prefix := []byte(jobID + "/")
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLogs).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			var l api.TaskLog
			if err := json.Unmarshal(v, &l); err != nil {
				return err
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}
