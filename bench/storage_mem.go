package main

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// heapEvery is how often heapSampler looks at the heap.
const heapEvery = 10 * time.Millisecond

// heapMetrics are read together: the first two add up to the heap in
// use (MemStats.HeapInuse: the spans holding objects, live or not yet
// swept, and the free room inside them), the third is the heap the last
// collection found live, what the code holds on to.
var heapMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/unused:bytes", "/gc/heap/live:bytes"}

// heapUse is the heap at one moment, or the peaks over a time.
type heapUse struct {
	inUse, live uint64
}

func (a heapUse) max(b heapUse) heapUse {
	return heapUse{inUse: max(a.inUse, b.inUse), live: max(a.live, b.live)}
}

// readHeap reads the process's heap now into s.
func readHeap(s []metrics.Sample) heapUse {
	metrics.Read(s)
	v := make([]uint64, len(s))
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	return heapUse{inUse: v[0] + v[1], live: v[2]}
}

func newHeapSamples() []metrics.Sample {
	s := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		s[i].Name = name
	}
	return s
}

// heapSampler records the highest heap of the whole process while it
// runs, read every heapEvery without stopping the world.
type heapSampler struct {
	stopc chan struct{}
	peak  chan heapUse
}

// sampleHeap starts a sampler.
func sampleHeap() *heapSampler {
	h := &heapSampler{stopc: make(chan struct{}), peak: make(chan heapUse, 1)}
	s := newHeapSamples()
	peak := readHeap(s)
	go func() {
		t := time.NewTicker(heapEvery)
		defer t.Stop()
		for {
			select {
			case <-h.stopc:
				h.peak <- peak.max(readHeap(s))
				return
			case <-t.C:
				peak = peak.max(readHeap(s))
			}
		}
	}()
	return h
}

// stop ends the sampling and returns the peaks.
func (h *heapSampler) stop() heapUse {
	close(h.stopc)
	return <-h.peak
}

// idleHeap is the heap right after a full collection.
func idleHeap() heapUse {
	runtime.GC()
	return readHeap(newHeapSamples())
}
