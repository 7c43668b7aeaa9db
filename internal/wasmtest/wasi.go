package wasmtest

import "fmt"

// WASIModule is the import module name of WASI preview 1.
const WASIModule = "wasi_snapshot_preview1"

// wasiSignatures are the WASI preview 1 functions the fixtures import.
var wasiSignatures = map[string][2][]ValType{
	"proc_exit":  {{I32}, nil},
	"fd_write":   {{I32, I32, I32, I32}, {I32}},
	"random_get": {{I32, I32}, {I32}},
}

// ImportWASI imports the WASI preview 1 function fn (proc_exit, fd_write
// or random_get) and returns its function index.
func (m *Module) ImportWASI(fn string) uint32 {
	sig, ok := wasiSignatures[fn]
	if !ok {
		panic(fmt.Sprintf("wasmtest: no signature for WASI function %q", fn))
	}
	return m.Import(WASIModule, fn, sig[0], sig[1])
}
