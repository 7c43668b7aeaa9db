package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/broker"
	"github.com/opensky-network/opensky/internal/storage/pipeline"
	"github.com/opensky-network/opensky/internal/storage/seal"
	"github.com/opensky-network/opensky/internal/storage/storagenet"
)

// storageProviders is the size of the loopback storage network: one
// provider per shard of the default layout.
var storageProviders = storage.DefaultLayout.Shards()

// storageRun is one storage measurement: the fastest of its runs and the
// highest heap seen during any of them.
type storageRun struct {
	elapsed time.Duration
	peak    heapUse
}

func (a storageRun) merge(b storageRun) storageRun {
	if a.elapsed == 0 || b.elapsed < a.elapsed {
		a.elapsed = b.elapsed
	}
	a.peak = a.peak.max(b.peak)
	return a
}

// rate is MB (10^6 bytes) of plaintext per second.
func (a storageRun) rate(size int64) float64 { return float64(size) / a.elapsed.Seconds() / 1e6 }

// measure runs f after a full collection, timing it and sampling the heap.
func measure(f func() error) (storageRun, error) {
	runtime.GC()
	h := sampleHeap()
	start := time.Now()
	err := f()
	elapsed := time.Since(start)
	return storageRun{elapsed: elapsed, peak: h.stop()}, err
}

// storageThroughput puts and gets mib MiB of plaintext through a storage
// network of 14 providers on loopback (layout 10+4) and, in the same run,
// seals and codes the same bytes with raw AES-GCM and Reed-Solomon and
// through the in-memory pipeline alone; it prints MB/s for each and their
// ratios. It does the same puts and gets at a quarter of the size, and
// prints the heap's peak during each, to show whether memory grows with
// the size of the object.
func storageThroughput(ctx context.Context, mib int) error {
	if mib < 4 {
		return fmt.Errorf("storage: -storage %d: want at least 4 MiB", mib)
	}
	l := storage.DefaultLayout
	size := int64(mib) << 20
	sizes := []int64{size, size / 4}

	dir, err := os.MkdirTemp("", "opensky-bench-storage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	snet, err := storagenet.Start(ctx, dir, broker.Config{Layout: l}, nil)
	if err != nil {
		return err
	}
	defer snet.Close()
	for range storageProviders {
		// Room for a few objects of the largest size on every provider.
		if _, err := snet.AddProvider(ctx, 4*l.ShardSize(size)+(64<<20), 2000); err != nil {
			return err
		}
	}
	if err := snet.WaitLive(ctx, storageProviders); err != nil {
		return err
	}
	// One small object first, so that connections to every provider are
	// open before anything is timed.
	if _, _, err := putGetMeasured(ctx, snet.Broker, 4<<20, 1, l); err != nil {
		return fmt.Errorf("storage: warm-up: %w", err)
	}
	idle := idleHeap()

	// Alternate the measurements, twice, and keep each one's best run,
	// so that a burst of other work on the machine does not decide the
	// ratios.
	var raw, pipe storageRun
	put := make([]storageRun, len(sizes))
	get := make([]storageRun, len(sizes))
	for round := range 2 {
		seed := uint64(round + 2)
		r, err := measure(func() error { return rawSealCode(newPlainGen(seed), size, l.Data, l.Parity) })
		if err != nil {
			return err
		}
		raw = raw.merge(r)
		r, err = measure(func() error {
			_, _, err := pipeline.Pipeline(l, io.LimitReader(newPlainGen(seed), size), size)
			return err
		})
		if err != nil {
			return fmt.Errorf("storage: pipeline: %w", err)
		}
		pipe = pipe.merge(r)
		for i, sz := range sizes {
			p, g, err := putGetMeasured(ctx, snet.Broker, sz, seed, l)
			if err != nil {
				return err
			}
			put[i], get[i] = put[i].merge(p), get[i].merge(g)
		}
	}

	fmt.Printf("Storage: %d MiB of plaintext, layout %s, %d providers on loopback, %d cores (GOMAXPROCS %d)\n",
		mib, l, storageProviders, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	fmt.Printf("best of 2 alternating runs; MB = 10^6 bytes of plaintext; heap: peak in use / peak live, MiB\n")
	row := func(name string, a storageRun) {
		fmt.Printf("  %-62s %8.1f MB/s   heap %6.1f / %5.1f\n", name, a.rate(size), mib64(a.peak.inUse), mib64(a.peak.live))
	}
	row("raw AES-256-GCM, 1 MiB chunks + reedsolomon 10+4 (baseline)", raw)
	row("in-memory pipeline alone: seal + hash + erasure code", pipe)
	row("put: owner encrypts, broker codes, 14 providers store (fsync)", put[0])
	row("get: any 10 shards, verified, decoded, decrypted, compared", get[0])
	fmt.Printf("  ratio put/pipeline: %.2f   get/pipeline: %.2f   (goal >= 0.5)\n",
		pipe.elapsed.Seconds()/put[0].elapsed.Seconds(), pipe.elapsed.Seconds()/get[0].elapsed.Seconds())
	fmt.Printf("  ratio put/raw: %.2f   get/raw: %.2f   pipeline/raw: %.2f\n",
		raw.elapsed.Seconds()/put[0].elapsed.Seconds(), raw.elapsed.Seconds()/get[0].elapsed.Seconds(),
		raw.elapsed.Seconds()/pipe.elapsed.Seconds())

	fmt.Printf("Peak heap against object size, of the whole process: the benchmark, the broker, the orchestrator\n")
	fmt.Printf("and all %d providers; sampled every %s, highest of 2 runs; idle after GC %.1f / %.1f MiB\n",
		storageProviders, heapEvery, mib64(idle.inUse), mib64(idle.live))
	for i := len(sizes) - 1; i >= 0; i-- {
		fmt.Printf("  %5d MiB   put %8.1f MB/s  heap %6.1f / %5.1f   get %8.1f MB/s  heap %6.1f / %5.1f\n",
			sizes[i]>>20, put[i].rate(sizes[i]), mib64(put[i].peak.inUse), mib64(put[i].peak.live),
			get[i].rate(sizes[i]), mib64(get[i].peak.inUse), mib64(get[i].peak.live))
	}
	grow := func(a, b uint64) float64 { return mib64(a) - mib64(b) }
	fmt.Printf("  growth for %dx the size: put %+.1f / %+.1f MiB, get %+.1f / %+.1f MiB (goal: none beyond noise)\n",
		sizes[0]/sizes[1], grow(put[0].peak.inUse, put[1].peak.inUse), grow(put[0].peak.live, put[1].peak.live),
		grow(get[0].peak.inUse, get[1].peak.inUse), grow(get[0].peak.live, get[1].peak.live))
	return nil
}

// putGetMeasured stores size bytes of the stream of seed, reads them back
// and compares them, measuring each, and deletes the object.
func putGetMeasured(ctx context.Context, b *broker.Broker, size int64, seed uint64, l storage.Layout) (put, get storageRun, err error) {
	var obj storedObject
	put, err = measure(func() error {
		var err error
		obj, err = storePlain(ctx, b, size, seed, l)
		return err
	})
	if err != nil {
		return put, get, fmt.Errorf("storage: put %d MiB: %w", size>>20, err)
	}
	get, err = measure(func() error { return obj.check(ctx, b) })
	if err != nil {
		return put, get, fmt.Errorf("storage: get %d MiB: %w", size>>20, err)
	}
	return put, get, b.Delete(ctx, obj.o.CID, "")
}

// storedObject is an object stored from the plaintext stream of seed.
type storedObject struct {
	o    *broker.Object
	key  seal.Key
	seed uint64
}

// storePlain puts size bytes of the stream of seed, encrypted on the fly
// as an owner does.
func storePlain(ctx context.Context, b *broker.Broker, size int64, seed uint64, l storage.Layout) (storedObject, error) {
	o, key, err := storagenet.Put(ctx, b, newPlainGen(seed), size, l)
	return storedObject{o: o, key: key, seed: seed}, err
}

// check reads the object back, decrypts it and compares every byte with
// the stream it was made from.
func (s storedObject) check(ctx context.Context, b *broker.Broker) error {
	c := newPlainCheck(s.seed)
	n, err := storagenet.Get(ctx, b, s.o.CID, s.key, c)
	if err != nil {
		return err
	}
	if n != s.o.Size {
		return fmt.Errorf("read back %d bytes of %d", n, s.o.Size)
	}
	return nil
}

func mib64(n uint64) float64 { return float64(n) / (1 << 20) }
