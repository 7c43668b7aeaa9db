package wasm

import (
	"slices"

	"github.com/tetratelabs/wazero/experimental"
)

// pageSize is the size of a WebAssembly memory page.
const pageSize = 64 << 10

// maxMemoryBytes is the most a 32-bit linear memory can hold (65536
// pages); it is the limit when a task sets none.
const maxMemoryBytes = 1 << 32

// cappedMemory backs a module's linear memory and refuses to grow it past
// limit. It records the refusal so that a run that then fails can be
// reported as hitting its memory limit rather than as a plain trap or
// exit. It is used by one module instance, on the goroutine running it.
type cappedMemory struct {
	limit   uint64
	buf     []byte
	refused bool
	// peak is the largest size the memory reached, in bytes; linear
	// memory never shrinks, so it is also its size at the end.
	peak int64
}

// newCappedMemory returns a memory limited to limitBytes rounded down to
// whole pages (no limit beyond 4 GiB when limitBytes is 0).
func newCappedMemory(limitBytes int64) *cappedMemory {
	limit := uint64(maxMemoryBytes)
	if limitBytes > 0 && uint64(limitBytes) < limit {
		limit = uint64(limitBytes) / pageSize * pageSize
	}
	return &cappedMemory{limit: limit}
}

// allocator returns the allocator handing out m; a module has at most one
// memory.
func (m *cappedMemory) allocator() experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(_, _ uint64) experimental.LinearMemory { return m })
}

// Reallocate implements experimental.LinearMemory.
func (m *cappedMemory) Reallocate(size uint64) []byte {
	if size > m.limit {
		m.refused = true
		return nil
	}
	if n := int(size); n > cap(m.buf) {
		m.buf = slices.Grow(m.buf, n-len(m.buf))
	}
	m.buf = m.buf[:size]
	m.peak = max(m.peak, int64(size))
	return m.buf
}

// Free implements experimental.LinearMemory.
func (m *cappedMemory) Free() { m.buf = nil }

// declaredMinPages returns the minimum size, in pages, that the module
// declares for its own memory, and false when it defines none. bin must be
// a module wazero has already validated.
func declaredMinPages(bin []byte) (uint32, bool) {
	const memorySection = 5
	p := 8 // magic and version
	for p < len(bin) {
		id := bin[p]
		size, n := readULEB(bin[p+1:])
		if n == 0 {
			return 0, false
		}
		body := p + 1 + n
		if id == memorySection {
			count, n := readULEB(bin[body:])
			if n == 0 || count == 0 || body+n+1 >= len(bin) {
				return 0, false
			}
			minPages, m := readULEB(bin[body+n+1:]) // skip the limits flags
			if m == 0 {
				return 0, false
			}
			return uint32(minPages), true
		}
		p = body + int(size)
	}
	return 0, false
}

// readULEB decodes an unsigned LEB128 number of at most 5 bytes and
// returns it with the number of bytes read, 0 when malformed.
func readULEB(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 5; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}
