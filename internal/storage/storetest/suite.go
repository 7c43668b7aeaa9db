package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/storage"
)

// settle bounds how long the suite waits for a store to finish cleaning up
// after a failed Put (a network store learns of the failure after its
// client returns).
const settle = 20 * time.Second

// Run runs the conformance suite against stores made by newStore, a fresh
// empty store with room for a few MiB for every call.
func Run(t *testing.T, newStore func(t *testing.T) storage.ShardStore) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, storage.ShardStore)
	}{
		{"PutReadProveDelete", testRoundTrip},
		{"PutWithRoot", testPutWithRoot},
		{"WrongRoot", testWrongRoot},
		{"ShortReader", testShortReader},
		{"FailingReader", testFailingReader},
		{"ExtraBytesUnread", testExtraBytesUnread},
		{"Duplicate", testDuplicate},
		{"InvalidPut", testInvalidPut},
		{"Missing", testMissing},
		{"ReadRange", testReadRange},
		{"OutOfRange", testOutOfRange},
		{"CancelMidPut", testCancelMidPut},
		{"ConcurrentPuts", testConcurrentPuts},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// Context returns a context that ends with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// MustPut puts sh with its root and fails the test unless it is stored.
func MustPut(t testing.TB, s storage.ShardStore, sh Shard) {
	t.Helper()
	root, err := s.Put(Context(t), sh.Info, bytes.NewReader(sh.Data))
	if err != nil {
		t.Fatalf("put %s: %v", sh.Info.ID, err)
	}
	if root != sh.Info.Root {
		t.Fatalf("put %s: root %s, want %s", sh.Info.ID, root, sh.Info.Root)
	}
}

// CheckStored fails the test unless s holds exactly sh.
func CheckStored(t testing.TB, s storage.ShardStore, sh Shard) {
	t.Helper()
	ctx := Context(t)
	info, err := s.Stat(ctx, sh.Info.ID)
	if err != nil {
		t.Fatalf("stat %s: %v", sh.Info.ID, err)
	}
	if info != sh.Info {
		t.Fatalf("stat %s = %+v, want %+v", sh.Info.ID, info, sh.Info)
	}
	var buf bytes.Buffer
	if err := s.Read(ctx, sh.Info.ID, 0, sh.Info.Pieces, &buf); err != nil {
		t.Fatalf("read %s: %v", sh.Info.ID, err)
	}
	if !bytes.Equal(buf.Bytes(), sh.Data) {
		t.Fatalf("read %s: %d bytes that differ from the %d put", sh.Info.ID, buf.Len(), len(sh.Data))
	}
}

// CheckAbsent fails the test unless s reports sh missing.
func CheckAbsent(t testing.TB, s storage.ShardStore, id storage.ShardID) {
	t.Helper()
	if info, err := s.Stat(Context(t), id); !errors.Is(err, storage.ErrShardNotFound) {
		t.Fatalf("stat %s = %+v, %v; want ErrShardNotFound", id, info, err)
	}
}

// CheckNothingKept fails the test unless, once the store has settled, sh
// is absent and can be put again: a failed Put left neither the shard nor
// its name taken.
func CheckNothingKept(t testing.TB, s storage.ShardStore, sh Shard) {
	t.Helper()
	CheckAbsent(t, s, sh.Info.ID)
	deadline := time.Now().Add(settle)
	for {
		_, err := s.Put(Context(t), sh.Info, bytes.NewReader(sh.Data))
		if err == nil {
			break
		}
		if !errors.Is(err, storage.ErrShardExists) || time.Now().After(deadline) {
			t.Fatalf("put %s again after a failed put: %v", sh.Info.ID, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	CheckStored(t, s, sh)
}
