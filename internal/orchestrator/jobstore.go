package orchestrator

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/opensky-network/opensky/internal/api"
)

var (
	bucketJobs = []byte("jobs")
	bucketLogs = []byte("logs")
)

// errNoRecord is returned by the store for a job it does not hold.
var errNoRecord = errors.New("no such job")

// errStoreClosed is returned for writes after close.
var errStoreClosed = errors.New("job store is closed")

// jobStore persists job records and task logs in bbolt, so that a restart
// of the orchestrator loses no job.
//
// Writes go through one writer goroutine that commits everything queued
// since its last commit in a single transaction (group commit): a lone
// write is committed at once, and concurrent jobs share one fsync. A
// durable write returns once it is on disk; an async write is queued and
// ordered before every later write.
type jobStore struct {
	db    *bolt.DB
	log   *slog.Logger
	queue chan writeReq

	mu     sync.RWMutex
	closed bool
	done   chan struct{}
}

type writeReq struct {
	bucket, key, val []byte
	done             chan error // nil for async writes
}

func openJobStore(path string, log *slog.Logger) (*jobStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("open job store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketLogs} {
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
	s := &jobStore{db: db, log: log, queue: make(chan writeReq, 4096), done: make(chan struct{})}
	go s.writer()
	return s, nil
}

// close commits what is queued and closes the database.
func (s *jobStore) close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.done
	return s.db.Close()
}

func (s *jobStore) writer() {
	defer close(s.done)
	batch := make([]writeReq, 0, 256)
	for req := range s.queue {
		batch = append(batch[:0], req)
	drain:
		for len(batch) < cap(batch) {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			for _, r := range batch {
				if r.bucket == nil {
					continue // a barrier
				}
				if err := tx.Bucket(r.bucket).Put(r.key, r.val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			s.log.Error("job store commit failed", "writes", len(batch), "err", err)
		}
		for _, r := range batch {
			if r.done != nil {
				r.done <- err
			}
		}
	}
}

func (s *jobStore) write(bucket, key, val []byte, durable bool) error {
	req := writeReq{bucket: bucket, key: key, val: val}
	if durable {
		req.done = make(chan error, 1)
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return errStoreClosed
	}
	s.queue <- req
	s.mu.RUnlock()
	if !durable {
		return nil
	}
	return <-req.done
}

// put writes a job record; durable waits until it is on disk.
func (s *jobStore) put(j *api.Job, durable bool) error {
	b, err := json.Marshal(j)
	if err != nil {
		return fmt.Errorf("encode job %s: %w", j.ID, err)
	}
	return s.write(bucketJobs, []byte(j.ID), b, durable)
}

// barrier returns once every write queued before it is on disk.
func (s *jobStore) barrier() error {
	return s.write(nil, nil, nil, true)
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

// each calls fn for every stored job.
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

// putLog queues one task's captured output; the durable write of the task's
// result that follows it commits it too.
func (s *jobStore) putLog(jobID string, l api.TaskLog) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return s.write(bucketLogs, []byte(jobID+"/"+l.TaskID), b, false)
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
