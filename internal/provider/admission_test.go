package provider

import (
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/p2p/wire"
)

func TestAdmission(t *testing.T) {
	a := newAdmission(wire.Capacity{MilliCPU: 2000, MemoryBytes: 1 << 30, DiskBytes: 1 << 30}, 0)
	one := wire.Capacity{MilliCPU: 1000, MemoryBytes: 64 << 20}
	later := time.Now().Add(time.Minute)
	if err := a.reserve("t1", "o", one, later); err != nil {
		t.Fatal(err)
	}
	if err := a.reserve("t2", "o", one, later); err != nil {
		t.Fatal(err)
	}
	if err := a.reserve("t3", "o", one, later); err == nil {
		t.Fatal("third 1-cpu task admitted on a 2-cpu provider")
	}
	if err := a.claim("t1", "other", one); err == nil {
		t.Fatal("another peer claimed t1's reservation")
	}
	if err := a.claim("t1", "o", one); err != nil {
		t.Fatal(err)
	}
	a.release("t2")
	if err := a.reserve("t3", "o", one, later); err != nil {
		t.Fatalf("after release: %v", err)
	}
	free, n := a.free()
	if free.MilliCPU != 0 || n != 2 {
		t.Fatalf("free = %+v, held = %d", free, n)
	}
}

func TestReservationLapses(t *testing.T) {
	a := newAdmission(wire.Capacity{MilliCPU: 1000, MemoryBytes: 1 << 30}, 0)
	one := wire.Capacity{MilliCPU: 1000}
	if err := a.reserve("t1", "o", one, time.Now().Add(-time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := a.reserve("t2", "o", one, time.Now().Add(time.Minute)); err != nil {
		t.Fatalf("lapsed reservation still held: %v", err)
	}
}

func TestMaxTasks(t *testing.T) {
	a := newAdmission(wire.Capacity{MilliCPU: 8000, MemoryBytes: 1 << 30}, 1)
	if err := a.reserve("t1", "o", wire.Capacity{MilliCPU: 100}, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := a.reserve("t2", "o", wire.Capacity{MilliCPU: 100}, time.Now().Add(time.Minute)); err == nil {
		t.Fatal("max tasks not enforced")
	}
}
