package wasm

import (
	"container/list"
	"context"
	"sync"
)

// moduleCache keeps up to max compiled modules, least recently used
// evicted first. A module is compiled once however many runs ask for it
// at the same time, and closed only when it is both evicted and no longer
// used by a run.
type moduleCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cachedModule; front is most recently used
	byKey map[string]*list.Element
	// unlisted holds evicted entries that runs still use. The engine
	// shares compiled code between compiled modules of the same bytes and
	// closing one frees it for all, so a module is never compiled again
	// while an earlier copy is alive: the copy is listed again instead.
	unlisted map[string]*cachedModule
	closeFn  func(*compiledModule)
}

// cachedModule is one entry. refs counts its holders: the cache while the
// entry is listed, and every run using it.
type cachedModule struct {
	key      string
	ready    chan struct{} // closed once compiled or err is set
	compiled *compiledModule
	err      error
	refs     int
}

func newModuleCache(max int, closeFn func(*compiledModule)) *moduleCache {
	return &moduleCache{max: max, order: list.New(), byKey: map[string]*list.Element{}, unlisted: map[string]*cachedModule{}, closeFn: closeFn}
}

// acquire returns the module for key, compiling it with compile when it
// is not cached. The caller must release it. Compile errors are not
// cached.
func (c *moduleCache) acquire(ctx context.Context, key string, compile func() (*compiledModule, error)) (*cachedModule, error) {
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok {
		m := el.Value.(*cachedModule)
		m.refs++
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return c.await(ctx, m)
	}
	if m, ok := c.unlisted[key]; ok {
		delete(c.unlisted, key)
		m.refs += 2 // listed again, and held by the caller
		c.byKey[key] = c.order.PushFront(m)
		evicted := c.evictLocked()
		c.mu.Unlock()
		c.closeAll(evicted)
		return c.await(ctx, m)
	}
	m := &cachedModule{key: key, ready: make(chan struct{}), refs: 2}
	c.byKey[key] = c.order.PushFront(m)
	c.mu.Unlock()

	// Evict only once the new module compiled, so that a bad module never
	// pushes a good one out.
	m.compiled, m.err = compile()
	var evicted []*compiledModule
	c.mu.Lock()
	if m.err != nil {
		c.unlistLocked(m)
	} else {
		evicted = c.evictLocked()
	}
	c.mu.Unlock()
	c.closeAll(evicted)
	close(m.ready)
	if m.err != nil {
		c.release(m)
		return nil, m.err
	}
	return m, nil
}

// await waits for a held entry to finish compiling.
func (c *moduleCache) await(ctx context.Context, m *cachedModule) (*cachedModule, error) {
	select {
	case <-m.ready:
	case <-ctx.Done():
		c.release(m)
		return nil, ctx.Err()
	}
	if m.err != nil {
		c.mu.Lock()
		c.unlistLocked(m)
		c.mu.Unlock()
		c.release(m)
		return nil, m.err
	}
	return m, nil
}

// unlistLocked drops a failed entry from the cache, so that the next
// acquire compiles afresh.
func (c *moduleCache) unlistLocked(m *cachedModule) {
	if el, ok := c.byKey[m.key]; ok && el.Value == m {
		c.order.Remove(el)
		delete(c.byKey, m.key)
		m.refs--
	}
	if c.unlisted[m.key] == m {
		delete(c.unlisted, m.key)
	}
}

// release drops one hold on m, closing it when it was the last.
func (c *moduleCache) release(m *cachedModule) {
	c.mu.Lock()
	m.refs--
	last := m.refs == 0
	if last && c.unlisted[m.key] == m {
		delete(c.unlisted, m.key)
	}
	c.mu.Unlock()
	if last && m.compiled != nil {
		c.closeFn(m.compiled)
	}
}

// evictLocked unlists entries beyond max and returns the compiled modules
// nobody holds any more.
func (c *moduleCache) evictLocked() []*compiledModule {
	var idle []*compiledModule
	for c.order.Len() > c.max {
		el := c.order.Back()
		m := el.Value.(*cachedModule)
		c.order.Remove(el)
		delete(c.byKey, m.key)
		m.refs--
		if m.refs > 0 {
			c.unlisted[m.key] = m
		} else if m.compiled != nil {
			idle = append(idle, m.compiled)
		}
	}
	return idle
}

func (c *moduleCache) closeAll(ms []*compiledModule) {
	for _, m := range ms {
		c.closeFn(m)
	}
}

// len returns the number of listed modules.
func (c *moduleCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
