package shardnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/opensky-network/opensky/internal/p2p"
	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.ShardStore {
		return newProvider(t, 64<<20, tcpOnly).client(t, "client")
	})
}

func TestConformanceQUIC(t *testing.T) {
	quic := []string{"/ip4/127.0.0.1/udp/0/quic-v1"}
	storetest.Run(t, func(t *testing.T) storage.ShardStore {
		p := newProvider(t, 64<<20, quic)
		return NewClient(newHost(t, "client", quic, p.host), p.host.ID())
	})
}

func TestNoSpace(t *testing.T) {
	p := newProvider(t, footprint(10), tcpOnly)
	c := p.client(t, "client")
	storetest.MustPut(t, c, storetest.NewShard(storetest.Object(1), 0, 6, 1))
	big := storetest.NewShard(storetest.Object(1), 1, 5, 2)
	r := bytes.NewReader(big.Data)
	_, err := c.Put(storetest.Context(t), big.Info, r)
	if !errors.Is(err, storage.ErrNoSpace) {
		t.Fatalf("put beyond capacity = %v, want ErrNoSpace", err)
	}
	var re *p2p.RemoteError
	if !errors.As(err, &re) || re.Code != CodeNoSpace {
		t.Fatalf("put beyond capacity = %v, want a RemoteError %s too", err, CodeNoSpace)
	}
	if r.Len() != len(big.Data) {
		t.Fatalf("a refused put read %d bytes of its data", len(big.Data)-r.Len())
	}
	if p.disk.Used() != footprint(6) {
		t.Fatalf("provider uses %d bytes, want %d", p.disk.Used(), footprint(6))
	}
}

func TestDeletePermissions(t *testing.T) {
	p := newProvider(t, 64<<20, tcpOnly)
	owner, other := p.client(t, "owner"), p.client(t, "other")
	ctx := storetest.Context(t)
	sh := storetest.NewShard(storetest.Object(2), 0, 3, 2)
	storetest.MustPut(t, owner, sh)

	if err := other.Delete(ctx, sh.Info.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("delete by another peer = %v, want ErrForbidden", err)
	}
	storetest.CheckStored(t, other, sh) // reading is open to all
	if err := other.Delete(ctx, storage.ShardID{Object: storetest.Object(3), Index: 0}); err != nil {
		t.Fatalf("delete of a missing shard by anyone = %v, want nil", err)
	}
	if err := owner.Delete(ctx, sh.Info.ID); err != nil {
		t.Fatalf("delete by the owner: %v", err)
	}
	storetest.CheckAbsent(t, other, sh.Info.ID)

	// Once another peer put it, the shard is theirs.
	storetest.MustPut(t, other, sh)
	if err := owner.Delete(ctx, sh.Info.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("delete by the former owner = %v, want ErrForbidden", err)
	}
	storetest.CheckStored(t, owner, sh)
}

func TestAllowOptions(t *testing.T) {
	admin := newHost(t, "admin", tcpOnly, nil)
	p := newProvider(t, 64<<20, tcpOnly,
		AllowPut(func(id peer.ID) bool { return id != admin.ID() }),
		AllowDeleteAny(func(id peer.ID) bool { return id == admin.ID() }))
	if err := admin.Connect(storetest.Context(t), p.host.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	asAdmin := NewClient(admin, p.host.ID())
	user := p.client(t, "user")
	sh := storetest.NewShard(storetest.Object(4), 2, 2, 4)

	r := bytes.NewReader(sh.Data)
	if _, err := asAdmin.Put(storetest.Context(t), sh.Info, r); !errors.Is(err, ErrForbidden) || r.Len() != len(sh.Data) {
		t.Fatalf("put by a peer not allowed = %v, having read %d bytes; want ErrForbidden and none", err, len(sh.Data)-r.Len())
	}
	storetest.MustPut(t, user, sh)
	if err := asAdmin.Delete(storetest.Context(t), sh.Info.ID); err != nil {
		t.Fatalf("delete by a peer allowed to delete any: %v", err)
	}
	storetest.CheckAbsent(t, user, sh.Info.ID)
}

// anonymousStore hides a store's owner records.
type anonymousStore struct{ storage.ShardStore }

func TestStoreWithoutOwners(t *testing.T) {
	p := newProvider(t, 64<<20, tcpOnly)
	h := newHost(t, "plain", tcpOnly, nil)
	Serve(h, anonymousStore{p.disk}, WithLogger(nil))
	c := NewClient(newHost(t, "client", tcpOnly, h), h.ID())
	sh := storetest.NewShard(storetest.Object(5), 0, 2, 5)
	storetest.MustPut(t, c, sh)
	if err := c.Delete(storetest.Context(t), sh.Info.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("delete without owner records = %v, want ErrForbidden", err)
	}
	storetest.CheckStored(t, c, sh)
}

// lyingStore reports roots and bytes other than what it holds.
type lyingStore struct {
	storage.ShardStore
	root  bool // Put returns another root
	short bool // Read writes one piece less
	extra bool // Read writes one piece more
}

func (s lyingStore) Put(ctx context.Context, info storage.ShardInfo, r io.Reader) (storage.Hash, error) {
	root, err := s.ShardStore.Put(ctx, info, r)
	if s.root {
		root[0] ^= 1
	}
	return root, err
}

func (s lyingStore) Read(ctx context.Context, id storage.ShardID, from, count int64, w io.Writer) error {
	switch {
	case s.short && count > 1:
		count--
	case s.extra:
		if err := s.ShardStore.Read(ctx, id, from, count, w); err != nil {
			return err
		}
		count = 1
	}
	return s.ShardStore.Read(ctx, id, from, count, w)
}

func TestClientChecksTheProvider(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store lyingStore
	}{
		{"root", lyingStore{root: true}},
		{"short", lyingStore{short: true}},
		{"extra", lyingStore{extra: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProvider(t, 64<<20, tcpOnly)
			tc.store.ShardStore = p.disk
			h := newHost(t, "liar", tcpOnly, nil)
			Serve(h, tc.store)
			c := NewClient(newHost(t, "client", tcpOnly, h), h.ID())
			ctx := storetest.Context(t)
			sh := storetest.NewShard(storetest.Object(6), 0, 4, 6)

			if tc.store.root {
				for _, info := range []storage.ShardInfo{sh.Info, sh.Unrooted()} {
					if _, err := c.Put(ctx, info, bytes.NewReader(sh.Data)); !errors.Is(err, storage.ErrCorrupt) {
						t.Fatalf("put answered with a wrong root = %v, want ErrCorrupt", err)
					}
					_ = p.disk.Delete(ctx, sh.Info.ID)
				}
				return
			}
			storetest.MustPut(t, c, sh)
			var buf bytes.Buffer
			if err := c.Read(ctx, sh.Info.ID, 0, sh.Info.Pieces, &buf); err == nil {
				t.Fatalf("read of a lying provider succeeded with %d bytes", buf.Len())
			}
		})
	}
}

// failingStore takes part of a shard, then fails as a full disk would.
type failingStore struct{ storage.ShardStore }

func (failingStore) Put(_ context.Context, info storage.ShardInfo, r io.Reader) (storage.Hash, error) {
	if _, err := io.CopyN(io.Discard, r, info.Size()/8); err != nil {
		return storage.Hash{}, err
	}
	return storage.Hash{}, fmt.Errorf("%w: disk filled up", storage.ErrNoSpace)
}

func TestProviderFailsMidPut(t *testing.T) {
	p := newProvider(t, 1<<30, tcpOnly)
	h := newHost(t, "failing", tcpOnly, nil)
	Serve(h, failingStore{p.disk})
	c := NewClient(newHost(t, "client", tcpOnly, h), h.ID())
	// Larger than the stream's flow-control window: the client is blocked
	// sending when the provider gives up, and must learn why.
	sh := storetest.NewShard(storetest.Object(8), 0, 2048, 8)
	_, err := c.Put(storetest.Context(t), sh.Info, bytes.NewReader(sh.Data))
	if !errors.Is(err, storage.ErrNoSpace) {
		t.Fatalf("put failing on the provider's side = %v, want its ErrNoSpace", err)
	}
}
