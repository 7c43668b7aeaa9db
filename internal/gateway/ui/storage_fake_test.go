package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// fakeStorage is an in-memory Storage for the storage pages' tests. Like
// the gateway's, it shows an owner only its own objects, and everyone
// every object when the owner is "".
type fakeStorage struct {
	mu       sync.Mutex
	objects  map[string]storedFake // by CID
	audit    map[string][]api.AuditResult
	auditErr error    // AuditObject fails with it when set
	listErr  error    // Objects fails with it when set
	audits   []string // "cid as owner" of every audit run
}

// storedFake is an object and its owner.
type storedFake struct {
	owner string
	obj   api.StoredObject
}

var _ Storage = (*fakeStorage)(nil)

func newFakeStorage() *fakeStorage {
	return &fakeStorage{objects: map[string]storedFake{}, audit: map[string][]api.AuditResult{}}
}

// add stores a copy of o as owner's.
func (f *fakeStorage) add(owner string, o api.StoredObject) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[o.CID] = storedFake{owner: owner, obj: o}
}

// audited returns the audits run, as "cid as owner".
func (f *fakeStorage) audited() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.audits...)
}

func (f *fakeStorage) Objects(_ context.Context, owner string) ([]api.StoredObject, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []api.StoredObject
	for _, s := range f.objects {
		if owner == "" || s.owner == owner {
			out = append(out, s.obj)
		}
	}
	return out, nil
}

func (f *fakeStorage) Object(_ context.Context, cid, owner string) (*api.StoredObject, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.objects[cid]
	if !ok || owner != "" && s.owner != owner {
		return nil, fmt.Errorf("object %s: %w", cid, errNotFound)
	}
	o := s.obj
	return &o, nil
}

// AuditObject returns the results set for cid and, like the broker,
// records them on the object's shards.
func (f *fakeStorage) AuditObject(_ context.Context, cid, owner string) ([]api.AuditResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.objects[cid]
	if !ok || owner != "" && s.owner != owner {
		return nil, fmt.Errorf("object %s: %w", cid, errNotFound)
	}
	f.audits = append(f.audits, cid+" as "+owner)
	if f.auditErr != nil {
		return nil, f.auditErr
	}
	res := f.audit[cid]
	now := t0.Add(2 * time.Hour)
	s.obj.LastAudit = &now
	s.obj.Shards = append([]api.StoredShard(nil), s.obj.Shards...)
	for _, r := range res {
		for i := range s.obj.Shards {
			if sh := &s.obj.Shards[i]; sh.Index == r.Index {
				sh.LastAudit = &now
				if r.Passed {
					sh.Audits++
					sh.Failures, sh.LastError = 0, ""
				} else {
					sh.Failures++
					sh.LastError = r.Error
				}
			}
		}
	}
	f.objects[cid] = s
	return append([]api.AuditResult(nil), res...), nil
}
