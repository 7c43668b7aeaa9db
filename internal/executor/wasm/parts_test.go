package wasm

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/opensky-network/opensky/internal/wasmtest"
)

func TestDeclaredMinPages(t *testing.T) {
	for _, c := range []struct {
		bin   []byte
		pages uint32
		ok    bool
	}{
		{wasmtest.MinMemory(0), 0, true},
		{wasmtest.MinMemory(300), 300, true},
		{wasmtest.Trivial(), 1, true},
		{wasmtest.Flood(1), 2, true},
	} {
		pages, ok := declaredMinPages(c.bin)
		if pages != c.pages || ok != c.ok {
			t.Errorf("declaredMinPages = %d, %t; want %d, %t", pages, ok, c.pages, c.ok)
		}
	}
	var noMemory wasmtest.Module
	noMemory.Export("_start", noMemory.Func(nil, nil, nil, wasmtest.Code{}))
	if _, ok := declaredMinPages(noMemory.Bytes()); ok {
		t.Error("found a memory in a module without one")
	}
}

func TestCappedMemory(t *testing.T) {
	m := newCappedMemory(3*pageSize + 100) // rounds down to 3 pages
	if b := m.Reallocate(pageSize); len(b) != pageSize {
		t.Fatalf("first page: len %d", len(b))
	}
	b := m.Reallocate(pageSize)
	b[10] = 7
	b = m.Reallocate(3 * pageSize)
	if len(b) != 3*pageSize || b[10] != 7 || b[2*pageSize] != 0 {
		t.Fatalf("growing lost contents or is not zeroed (len %d)", len(b))
	}
	if m.refused {
		t.Fatal("growth within the limit refused")
	}
	if b := m.Reallocate(4 * pageSize); b != nil || !m.refused {
		t.Fatal("growth past the limit allowed")
	}
	if m.peak != 3*pageSize {
		t.Fatalf("peak %d, want %d", m.peak, 3*pageSize)
	}
	if newCappedMemory(0).limit != maxMemoryBytes {
		t.Fatal("no limit is not the 4 GiB of a 32-bit memory")
	}
}

func TestModuleCacheClosesEvictedModulesAfterUse(t *testing.T) {
	var mu sync.Mutex
	var closed []string
	c := newModuleCache(1, func(m *compiledModule) {
		mu.Lock()
		defer mu.Unlock()
		closed = append(closed, string(rune('a'+m.minMemory)))
	})
	ctx := context.Background()
	compile := func(n uint64) func() (*compiledModule, error) {
		return func() (*compiledModule, error) { return &compiledModule{minMemory: n}, nil }
	}
	a, _ := c.acquire(ctx, "a", compile(0))
	b, _ := c.acquire(ctx, "b", compile(1)) // evicts a, still in use
	if len(closed) != 0 {
		t.Fatalf("closed %v while in use", closed)
	}
	c.release(a)
	if !slices.Equal(closed, []string{"a"}) {
		t.Fatalf("closed %v after the last use of an evicted module, want [a]", closed)
	}
	c.release(b)
	if len(closed) != 1 || c.len() != 1 {
		t.Fatalf("a cached module was closed (%v) or dropped (%d cached)", closed, c.len())
	}
	again, _ := c.acquire(ctx, "b", func() (*compiledModule, error) {
		t.Fatal("a cached module was compiled again")
		return nil, nil
	})
	c.release(again)

	boom := errors.New("boom")
	if _, err := c.acquire(ctx, "bad", func() (*compiledModule, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("compile error: %v", err)
	}
	if c.len() != 1 {
		t.Fatalf("a failed compile stayed cached (%d cached)", c.len())
	}
}
