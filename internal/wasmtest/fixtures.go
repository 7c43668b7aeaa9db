package wasmtest

// PageSize is the size of a WebAssembly memory page.
const PageSize = 64 << 10

// File descriptors of the standard streams.
const (
	Stdout = 1
	Stderr = 2
)

// command returns a module with one page of exported memory and an
// exported _start whose body is built by body, after imports are added by
// imports (body runs later so that it sees the import indices).
func command(imports func(m *Module), locals []ValType, body func() Code) []byte {
	var m Module
	if imports != nil {
		imports(&m)
	}
	m.Memory(1, 0)
	m.Export("_start", m.Func(nil, nil, locals, body()))
	return m.Bytes()
}

// Trivial is a command that does nothing and exits 0. It exports _start
// and memory.
func Trivial() []byte {
	return command(nil, nil, func() Code { return Code{} })
}

// Exit is a command that calls proc_exit(code).
func Exit(code uint32) []byte {
	var exit uint32
	return command(func(m *Module) { exit = m.ImportWASI("proc_exit") }, nil,
		func() Code { return Code{}.I32Const(int32(code)).Call(exit) })
}

// Loop is a command that never returns.
func Loop() []byte {
	return command(nil, nil, func() Code { return Code{}.Loop().Br(0).End() })
}

// Trap is a command that executes "unreachable".
func Trap() []byte {
	return command(nil, nil, func() Code { return Code{}.Unreachable() })
}

// GrowForever is a command that grows its memory by 1 MiB at a time until
// growth fails, then traps, the way a runtime aborts when allocation fails.
func GrowForever() []byte {
	return command(nil, nil, func() Code {
		return Code{}.
			Loop().
			I32Const(16).MemoryGrow().I32Const(-1).I32Eq().I32Eqz().BrIf(0).
			End().
			Unreachable()
	})
}

// MinMemory is a command that does nothing but declares a memory of at
// least pages pages.
func MinMemory(pages uint32) []byte {
	var m Module
	m.Memory(pages, 0)
	m.Export("_start", m.Func(nil, nil, nil, Code{}))
	return m.Bytes()
}

// Print is a command that writes text to the file descriptor fd (Stdout
// or Stderr) and exits 0.
func Print(fd uint32, text string) []byte {
	var m Module
	write := m.ImportWASI("fd_write")
	m.Memory(uint32((16+len(text))/PageSize+1), 0)
	m.Data(0, iovec(16, uint32(len(text))))
	m.Data(16, []byte(text))
	m.Export("_start", m.Func(nil, nil, nil, Code{}.
		I32Const(int32(fd)).I32Const(0).I32Const(1).I32Const(8).Call(write).Drop()))
	return m.Bytes()
}

// Random is a command that writes n bytes from random_get to stdout; n is
// at most 65000.
func Random(n uint32) []byte {
	if n > 65000 {
		panic("wasmtest: Random prints at most 65000 bytes")
	}
	var random, write uint32
	imports := func(m *Module) {
		random = m.ImportWASI("random_get")
		write = m.ImportWASI("fd_write")
		m.Data(0, iovec(16, n))
	}
	return command(imports, nil, func() Code {
		return Code{}.
			I32Const(16).I32Const(int32(n)).Call(random).Drop().
			I32Const(Stdout).I32Const(0).I32Const(1).I32Const(8).Call(write).Drop()
	})
}

// Flood is a command that writes chunks of 64 KiB of 'x' to stdout
// until at least total bytes were written, then exits 0.
func Flood(total uint32) []byte {
	chunks := int32((total + PageSize - 1) / PageSize)
	var m Module
	write := m.ImportWASI("fd_write")
	m.Memory(2, 0)
	m.Data(0, iovec(PageSize, PageSize))
	const i = 0 // the loop counter local
	m.Export("_start", m.Func(nil, nil, []ValType{I32}, Code{}.
		I32Const(PageSize).I32Const('x').I32Const(PageSize).MemoryFill().
		Loop().
		I32Const(Stdout).I32Const(0).I32Const(1).I32Const(8).Call(write).Drop().
		LocalGet(i).I32Const(1).I32Add().LocalSet(i).
		LocalGet(i).I32Const(chunks).I32LtU().BrIf(0).
		End()))
	return m.Bytes()
}

// Invalid returns bytes that are not a WebAssembly module.
func Invalid() []byte {
	return []byte("\x00asm\x01\x00\x00\x00this is not a module")
}
