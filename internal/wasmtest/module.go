package wasmtest

import "encoding/binary"

// ValType is a WebAssembly value type.
type ValType byte

// The value types the fixtures use.
const (
	I32 ValType = 0x7f
	I64 ValType = 0x7e
)

// Section ids of the binary format.
const (
	secType     = 1
	secImport   = 2
	secFunction = 3
	secMemory   = 5
	secExport   = 7
	secCode     = 10
	secData     = 11
)

// Export kinds.
const (
	kindFunc   = 0x00
	kindMemory = 0x02
)

type funcType struct {
	params, results []ValType
}

type funcImport struct {
	module, name string
	typ          uint32
}

type function struct {
	typ    uint32
	locals []ValType
	body   Code
}

type export struct {
	name  string
	kind  byte
	index uint32
}

type segment struct {
	offset uint32
	data   []byte
}

// Module is a WebAssembly module under construction. Function indices
// number imports first, in the order they were added, so add every import
// before the first Func.
type Module struct {
	types   []funcType
	imports []funcImport
	funcs   []function
	memory  *[2]uint32 // min, max pages; max 0 means none
	exports []export
	data    []segment
}

// typeIndex returns the index of the function type, adding it when new.
func (m *Module) typeIndex(params, results []ValType) uint32 {
	for i, t := range m.types {
		if string(valBytes(t.params)) == string(valBytes(params)) &&
			string(valBytes(t.results)) == string(valBytes(results)) {
			return uint32(i)
		}
	}
	m.types = append(m.types, funcType{params: params, results: results})
	return uint32(len(m.types) - 1)
}

// Import adds an imported function and returns its function index.
func (m *Module) Import(module, name string, params, results []ValType) uint32 {
	if len(m.funcs) > 0 {
		panic("wasmtest: imports must be added before functions")
	}
	m.imports = append(m.imports, funcImport{module: module, name: name, typ: m.typeIndex(params, results)})
	return uint32(len(m.imports) - 1)
}

// Func adds a function with the given signature, extra locals and body and
// returns its function index. The body's closing "end" is added here.
func (m *Module) Func(params, results, locals []ValType, body Code) uint32 {
	m.funcs = append(m.funcs, function{typ: m.typeIndex(params, results), locals: locals, body: body})
	return uint32(len(m.imports) + len(m.funcs) - 1)
}

// Memory declares memory 0 with min pages of 64 KiB and, when max is not
// zero, a maximum. It is exported as "memory", as WASI requires.
func (m *Module) Memory(min, max uint32) {
	m.memory = &[2]uint32{min, max}
	m.exports = append(m.exports, export{name: "memory", kind: kindMemory})
}

// Export exports function fn under name.
func (m *Module) Export(name string, fn uint32) {
	m.exports = append(m.exports, export{name: name, kind: kindFunc, index: fn})
}

// Data places bytes at offset in memory 0 when the module is instantiated.
func (m *Module) Data(offset uint32, data []byte) {
	m.data = append(m.data, segment{offset: offset, data: data})
}

// Bytes encodes the module in the WebAssembly binary format.
func (m *Module) Bytes() []byte {
	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

	var p []byte
	p = uleb(p, uint64(len(m.types)))
	for _, t := range m.types {
		p = append(p, 0x60)
		p = uleb(p, uint64(len(t.params)))
		p = append(p, valBytes(t.params)...)
		p = uleb(p, uint64(len(t.results)))
		p = append(p, valBytes(t.results)...)
	}
	out = section(out, secType, p)

	if len(m.imports) > 0 {
		p = uleb(nil, uint64(len(m.imports)))
		for _, im := range m.imports {
			p = name(p, im.module)
			p = name(p, im.name)
			p = append(p, kindFunc)
			p = uleb(p, uint64(im.typ))
		}
		out = section(out, secImport, p)
	}

	p = uleb(nil, uint64(len(m.funcs)))
	for _, f := range m.funcs {
		p = uleb(p, uint64(f.typ))
	}
	out = section(out, secFunction, p)

	if m.memory != nil {
		p = uleb(nil, 1)
		if m.memory[1] == 0 {
			p = append(p, 0x00)
			p = uleb(p, uint64(m.memory[0]))
		} else {
			p = append(p, 0x01)
			p = uleb(p, uint64(m.memory[0]))
			p = uleb(p, uint64(m.memory[1]))
		}
		out = section(out, secMemory, p)
	}

	p = uleb(nil, uint64(len(m.exports)))
	for _, e := range m.exports {
		p = name(p, e.name)
		p = append(p, e.kind)
		p = uleb(p, uint64(e.index))
	}
	out = section(out, secExport, p)

	p = uleb(nil, uint64(len(m.funcs)))
	for _, f := range m.funcs {
		var body []byte
		body = uleb(body, uint64(len(f.locals)))
		for _, l := range f.locals {
			body = append(uleb(body, 1), byte(l))
		}
		body = append(body, f.body...)
		body = append(body, opEnd)
		p = uleb(p, uint64(len(body)))
		p = append(p, body...)
	}
	out = section(out, secCode, p)

	if len(m.data) > 0 {
		p = uleb(nil, uint64(len(m.data)))
		for _, d := range m.data {
			p = append(p, 0x00, opI32Const)
			p = sleb(p, int64(int32(d.offset)))
			p = append(p, opEnd)
			p = uleb(p, uint64(len(d.data)))
			p = append(p, d.data...)
		}
		out = section(out, secData, p)
	}
	return out
}

func valBytes(vs []ValType) []byte {
	b := make([]byte, len(vs))
	for i, v := range vs {
		b[i] = byte(v)
	}
	return b
}

// iovec encodes one WASI iovec {buf, len} as 8 little-endian bytes.
func iovec(buf, n uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, buf)
	return binary.LittleEndian.AppendUint32(b, n)
}
