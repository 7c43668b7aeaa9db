package wasmtest

// SpinRound is how many loop iterations one round of Spin runs.
const SpinRound = 1 << 26

// Spin is a command that counts through rounds×SpinRound loop iterations,
// then writes text to stdout and exits 0: a task that takes a while and
// ends by itself with a deterministic result. A round takes about two
// seconds on a runtime that checks for cancellation in loops, as the wasm
// executor's does (about a twentieth of that without the checks).
func Spin(rounds uint32, text string) []byte {
	var m Module
	write := m.ImportWASI("fd_write")
	m.Memory(uint32((16+len(text))/PageSize+1), 0)
	m.Data(0, iovec(16, uint32(len(text))))
	m.Data(16, []byte(text))
	const round, i = 0, 1 // locals: the round and iteration counters
	m.Export("_start", m.Func(nil, nil, []ValType{I32, I32}, Code{}.
		Block().
		LocalGet(round).I32Const(int32(rounds)).I32LtU().I32Eqz().BrIf(0).
		Loop().
		I32Const(0).LocalSet(i).
		Loop().
		LocalGet(i).I32Const(1).I32Add().LocalSet(i).
		LocalGet(i).I32Const(SpinRound).I32LtU().BrIf(0).
		End().
		LocalGet(round).I32Const(1).I32Add().LocalSet(round).
		LocalGet(round).I32Const(int32(rounds)).I32LtU().BrIf(0).
		End().
		End().
		I32Const(Stdout).I32Const(0).I32Const(1).I32Const(8).Call(write).Drop()))
	return m.Bytes()
}
