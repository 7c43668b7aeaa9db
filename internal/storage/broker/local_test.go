package broker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/orchestrator/selection"
	"github.com/opensky-network/opensky/internal/p2p/wire"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/merkle"
	"github.com/opensky-network/opensky/internal/storage/shardstore"
	"github.com/opensky-network/opensky/internal/testlog"
)

// localNet is a storage network without the network: shard stores on
// disk reached directly, and a directory that says they are all live.
// Unit tests of the broker's own logic use it; TestNetwork… use the real
// protocol.
type localNet struct {
	dir    string
	stores map[string]*shardstore.Disk
	order  []string
	// wrap, when set for a provider, stands between the broker and its
	// store: a provider that lies.
	wrap map[string]func(storage.ShardStore) storage.ShardStore
}

func newLocalNet(t *testing.T, providers int) *localNet {
	t.Helper()
	n := &localNet{dir: t.TempDir(), stores: map[string]*shardstore.Disk{}}
	for i := range providers {
		name := fmt.Sprintf("provider-%02d", i)
		d, err := shardstore.Open(filepath.Join(n.dir, name), 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		n.stores[name] = d
		n.order = append(n.order, name)
	}
	return n
}

func (n *localNet) Candidates(context.Context) []selection.Candidate {
	var out []selection.Candidate
	for _, name := range n.order {
		d := n.stores[name]
		out = append(out, selection.Candidate{Peer: name, LastSeen: time.Now(), Presence: wire.Presence{Peer: name,
			Storage: &wire.StorageOffer{TotalBytes: d.Capacity(), FreeBytes: d.Free(), PricePerGBMonth: 1000}}})
	}
	return out
}

func (n *localNet) Store(p string) (storage.ShardStore, error) {
	d, ok := n.stores[p]
	if !ok {
		return nil, fmt.Errorf("no provider %s", p)
	}
	if w := n.wrap[p]; w != nil {
		return w(d), nil
	}
	return d, nil
}

func (n *localNet) broker(t *testing.T, cfg broker.Config) *broker.Broker {
	t.Helper()
	cfg.AuditInterval = -1
	cfg.Logger = testlog.New(t)
	b, err := broker.New(filepath.Join(n.dir, "broker.db"), n, n, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// shardFile is where provider p keeps shard i of object o.
func (n *localNet) shardFile(o *broker.Object, i int) string {
	return filepath.Join(n.dir, o.Shards[i].Peer, o.Key, fmt.Sprintf("%d.shard", i))
}

// putLocal uploads size seeded bytes through a localNet's broker.
func putLocal(t *testing.T, b *broker.Broker, size int64, l storage.Layout) (object, *broker.Object) {
	t.Helper()
	o, err := put(context.Background(), b, size, 7, l)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := b.Object(o.cid, "")
	if err != nil {
		t.Fatal(err)
	}
	return o, obj
}

// TestAuditCatchesSilentDeletion: a provider that silently drops a tenth
// of a shard's pieces fails at least 99% of 44-challenge audits, while an
// honest one passes them all.
func TestAuditCatchesSilentDeletion(t *testing.T) {
	const audits = 400
	l := storage.Layout{Data: 1, Parity: 1}
	n := newLocalNet(t, 2)
	b := n.broker(t, broker.Config{Layout: l, FailLimit: 1 << 30, Rand: newGen(42)})
	_, obj := putLocal(t, b, 100*storage.PieceSize-200, l)
	pieces := l.Pieces(obj.CipherLen)
	if pieces != 100 {
		t.Fatalf("object has %d pieces per shard, want 100", pieces)
	}

	// The dishonest provider dropped every tenth piece but kept the
	// shard's leaves, so it answers every challenge as well as it can:
	// the right Merkle path, and zeros for the bytes it no longer has.
	n.wrap = map[string]func(storage.ShardStore) storage.ShardStore{
		obj.Shards[0].Peer: func(s storage.ShardStore) storage.ShardStore {
			return &forgetful{ShardStore: s, lost: func(i int64) bool { return i%10 == 0 }}
		},
	}

	failed := [2]int{}
	for range audits {
		res, err := b.Audit(context.Background(), obj.CID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if !r.Passed {
				failed[r.Index]++
				if !strings.Contains(r.Error, "does not match the shard's root") {
					t.Fatalf("shard %d failed with %q, want a proof that does not match the root", r.Index, r.Error)
				}
			}
		}
	}
	rate := float64(failed[0]) / audits
	t.Logf("dishonest provider failed %d of %d audits (%.1f%%); honest one %d", failed[0], audits, 100*rate, failed[1])
	if rate < 0.99 {
		t.Fatalf("dishonest provider failed %.1f%% of audits, want at least 99%%", 100*rate)
	}
	if failed[1] != 0 {
		t.Fatalf("honest provider failed %d audits", failed[1])
	}
	got, _ := b.Object(obj.CID, "")
	if got.Shards[0].State != broker.ShardFailing || got.Shards[1].State != broker.ShardOK || got.Shards[1].Audits != audits {
		t.Fatalf("after the audits: shard 0 %s, shard 1 %s with %d passed", got.Shards[0].State, got.Shards[1].State, got.Shards[1].Audits)
	}
}

// TestFlippedBitIsRejected: one flipped bit in a stored shard is caught
// when the shard is read (the read still succeeds from the others) and
// when it is audited.
func TestFlippedBitIsRejected(t *testing.T) {
	l := storage.Layout{Data: 3, Parity: 2}
	n := newLocalNet(t, 5)
	b := n.broker(t, broker.Config{Layout: l, Challenges: 1 << 10})
	o, obj := putLocal(t, b, 40*storage.PieceSize, l)

	path := n.shardFile(obj, 1)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[3*storage.PieceSize+77] ^= 0x10
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}

	if _, err := get(context.Background(), b, o); err != nil {
		t.Fatalf("read with one flipped bit in one shard: %v", err)
	}
	res, err := b.Audit(context.Background(), obj.CID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Passed == (r.Index == 1) {
			t.Fatalf("shard %d: passed=%v (%s)", r.Index, r.Passed, r.Error)
		}
	}
	t.Logf("audit of the flipped shard: %s", res[1].Error)
}

// TestDeleteRemovesShards: rm deletes every shard and the record.
func TestDeleteRemovesShards(t *testing.T) {
	l := storage.Layout{Data: 2, Parity: 1}
	n := newLocalNet(t, 3)
	b := n.broker(t, broker.Config{Layout: l})
	_, obj := putLocal(t, b, 123456, l)
	if err := b.Delete(context.Background(), obj.CID, "someone else"); err == nil {
		t.Fatal("another owner deleted the object")
	}
	if err := b.Delete(context.Background(), obj.CID, ""); err != nil {
		t.Fatal(err)
	}
	for name, d := range n.stores {
		if d.Used() != 0 {
			t.Fatalf("%s still uses %d bytes", name, d.Used())
		}
	}
	if _, err := b.Object(obj.CID, ""); err == nil {
		t.Fatal("the object is still recorded")
	}
}

// forgetful is a provider that lost some pieces of its shards and hides
// it: it proves the pieces it lost with zeros and their true paths.
type forgetful struct {
	storage.ShardStore
	lost func(piece int64) bool
}

func (f *forgetful) Prove(ctx context.Context, id storage.ShardID, indices []int64) ([]storage.Proof, error) {
	leaves, err := f.ShardStore.Leaves(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Proof, len(indices))
	for k, i := range indices {
		if !f.lost(i) {
			p, err := f.ShardStore.Prove(ctx, id, []int64{i})
			if err != nil {
				return nil, err
			}
			out[k] = p[0]
			continue
		}
		path, err := merkle.Prove(leaves, i)
		if err != nil {
			return nil, err
		}
		out[k] = storage.Proof{Index: i, Piece: make([]byte, storage.PieceSize), Path: path}
	}
	return out, nil
}
