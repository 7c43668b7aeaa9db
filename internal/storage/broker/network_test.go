package broker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/erasure"
	"github.com/opensky-network/opensky/internal/storage/storagenet"
	"github.com/opensky-network/opensky/internal/testlog"
)

// bigObjectBytes is the streamed object of TestNetworkSurvivesLossAndRepairs:
// larger than 256 MiB by default, OPENSKY_STORAGE_BIG_MIB overrides it
// (e.g. for a quick run under the race detector).
func bigObjectBytes(t *testing.T) int64 {
	if v := os.Getenv("OPENSKY_STORAGE_BIG_MIB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("OPENSKY_STORAGE_BIG_MIB=%q: %v", v, err)
		}
		return int64(n) << 20
	}
	return 256<<20 + 12345
}

// TestNetworkSurvivesLossAndRepairs stores 100 objects from 0 bytes to
// several MB, and one larger than 256 MiB streamed, with 10+4 over 14
// providers on loopback. With 4 providers stopped every object reads back
// SHA-256-identical; with a 5th stopped reads fail with a clear error and
// yield no byte; once 4 fresh providers join, repair restores 14 live
// shards, and the rebuilt shards serve reads when 4 other originals stop.
func TestNetworkSurvivesLossAndRepairs(t *testing.T) {
	l := storage.Layout{Data: 10, Parity: 4}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	n, err := storagenet.Start(ctx, t.TempDir(), broker.Config{Layout: l, RepairBelow: func(l storage.Layout) int { return l.Shards() }},
		testlog.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	b := n.Broker
	addProviders(t, ctx, n, 14)
	waitLive(t, ctx, n, 14)

	stripe := l.StripeSize()
	sizes := []int64{0, 1, 15, 16, storage.PieceSize - 1, storage.PieceSize, storage.PieceSize + 1,
		stripe - 17, stripe - 16, stripe, stripe + 1, 1<<20 - 1, 1 << 20, 1<<20 + 1, 1<<20 + 16, 3<<20 + 7}
	for i := len(sizes); i < 100; i++ {
		sizes = append(sizes, int64(i*37_813)%(5<<20)+int64(i))
	}
	objs := make([]object, len(sizes)+1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	g.Go(func() error {
		o, err := put(gctx, b, bigObjectBytes(t), 1000, l)
		objs[len(sizes)] = o
		return err
	})
	for i, size := range sizes {
		g.Go(func() error {
			o, err := put(gctx, b, size, uint64(i), l)
			objs[i] = o
			if err != nil {
				return fmt.Errorf("put %d bytes: %w", size, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		obj, err := b.Object(o.cid, "")
		if err != nil {
			t.Fatal(err)
		}
		waitHealth(t, ctx, b, o.cid, 14, "after upload")
		holders := map[string]bool{}
		for _, p := range obj.Shards {
			holders[p.Peer] = true
		}
		if len(holders) != 14 {
			t.Fatalf("object %s has its 14 shards on %d providers", o.cid, len(holders))
		}
	}

	// Four providers stop: every object still reads back whole.
	provs := n.Providers()
	for _, p := range provs[:4] {
		p.Stop()
	}
	waitLive(t, ctx, n, 10)
	readAll(t, ctx, b, objs)

	// A fifth stops: reads fail, clearly, without a byte.
	fifth := provs[4]
	fifth.Stop()
	waitLive(t, ctx, n, 9)
	for _, o := range []object{objs[0], objs[50], objs[len(objs)-1]} {
		got, err := get(ctx, b, o)
		if !errors.Is(err, erasure.ErrTooFewShards) {
			t.Fatalf("read of %s with 9 of 14 shards: got %v, want ErrTooFewShards", o.cid, err)
		}
		if got != 0 {
			t.Fatalf("read of %s with 9 of 14 shards yielded %d bytes", o.cid, got)
		}
		t.Logf("read with 9 of 14 shards: %v", err)
	}
	if _, err := b.Repair(ctx, objs[0].cid); !errors.Is(err, broker.ErrUnrepairable) {
		t.Fatalf("repair with 9 of 14 shards: got %v, want ErrUnrepairable", err)
	}

	// The fifth comes back and four new providers join: repair rebuilds
	// the four missing shards of every object on the newcomers.
	if err := n.Restart(ctx, fifth, 2<<30); err != nil {
		t.Fatal(err)
	}
	addProviders(t, ctx, n, 4)
	waitLive(t, ctx, n, 14)
	for _, o := range objs {
		rep, err := b.Repair(ctx, o.cid)
		if err != nil {
			t.Fatalf("repair %s: %v", o.cid, err)
		}
		if len(rep.Rebuilt) != 4 {
			t.Fatalf("repair %s rebuilt %d shards (%v), want 4", o.cid, len(rep.Rebuilt), rep.Failed)
		}
		waitHealth(t, ctx, b, o.cid, 14, "after repair")
	}

	// Four more originals stop: the rebuilt shards now carry the reads.
	for _, p := range provs[5:9] {
		p.Stop()
	}
	waitLive(t, ctx, n, 10)
	readAll(t, ctx, b, objs)
}

func readAll(t *testing.T, ctx context.Context, b *broker.Broker, objs []object) {
	t.Helper()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, o := range objs {
		g.Go(func() error {
			_, err := get(gctx, b, o)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

func addProviders(t *testing.T, ctx context.Context, n *storagenet.Net, count int) {
	t.Helper()
	for range count {
		if _, err := n.AddProvider(ctx, 2<<30, 2000); err != nil {
			t.Fatal(err)
		}
	}
}

func waitLive(t *testing.T, ctx context.Context, n *storagenet.Net, want int) {
	t.Helper()
	if err := n.WaitLive(ctx, want); err != nil {
		t.Fatal(err)
	}
}

// waitHealth waits until want shards of object cid are live. Liveness
// comes from presence announcements, which a loaded machine (the race
// detector) can delay past the broker's freshness window for a moment.
func waitHealth(t *testing.T, ctx context.Context, b *broker.Broker, cid string, want int, when string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		obj, err := b.Object(cid, "")
		if err != nil {
			t.Fatal(err)
		}
		h := b.Health(ctx, obj)
		if h.Live == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("object %s has %d live shards %s, want %d", cid, h.Live, when, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
