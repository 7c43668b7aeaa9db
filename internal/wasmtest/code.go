package wasmtest

// Code is the body of a function: a sequence of instructions. Its methods
// append one instruction each and return the extended Code, so bodies read
// top to bottom:
//
//	wasmtest.Code{}.I32Const(3).Call(procExit)
//
// The final "end" of the body is added by Module.Func.
type Code []byte

// Opcodes used by the fixtures.
const (
	opUnreachable = 0x00
	opBlock       = 0x02
	opLoop        = 0x03
	opEnd         = 0x0b
	opBr          = 0x0c
	opBrIf        = 0x0d
	opCall        = 0x10
	opDrop        = 0x1a
	opLocalGet    = 0x20
	opLocalSet    = 0x21
	opI32Store    = 0x36
	opMemoryGrow  = 0x40
	opI32Const    = 0x41
	opI32Eqz      = 0x45
	opI32Eq       = 0x46
	opI32LtU      = 0x49
	opI32Add      = 0x6a
	opPrefixFC    = 0xfc
	opMemoryFill  = 0x0b
	blockTypeNone = 0x40
)

// Unreachable traps.
func (c Code) Unreachable() Code { return append(c, opUnreachable) }

// Block opens a block with no result; Br(0) inside it jumps past its End.
func (c Code) Block() Code { return append(c, opBlock, blockTypeNone) }

// Loop opens a loop with no result; Br(0) inside it jumps back to its start.
func (c Code) Loop() Code { return append(c, opLoop, blockTypeNone) }

// End closes the innermost Block or Loop.
func (c Code) End() Code { return append(c, opEnd) }

// Br branches to the label depth levels out.
func (c Code) Br(depth uint32) Code { return uleb(append(c, opBr), uint64(depth)) }

// BrIf pops an i32 and branches to the label depth levels out when it is
// not zero.
func (c Code) BrIf(depth uint32) Code { return uleb(append(c, opBrIf), uint64(depth)) }

// Call calls the function with index fn (imports come first).
func (c Code) Call(fn uint32) Code { return uleb(append(c, opCall), uint64(fn)) }

// Drop pops and discards one value.
func (c Code) Drop() Code { return append(c, opDrop) }

// LocalGet pushes local i.
func (c Code) LocalGet(i uint32) Code { return uleb(append(c, opLocalGet), uint64(i)) }

// LocalSet pops a value into local i.
func (c Code) LocalSet(i uint32) Code { return uleb(append(c, opLocalSet), uint64(i)) }

// I32Store pops a value and an address and stores the value at address
// plus offset (alignment 4).
func (c Code) I32Store(offset uint32) Code {
	return uleb(append(c, opI32Store, 2), uint64(offset))
}

// MemoryGrow pops a page count, grows memory 0 by it and pushes the old
// size in pages, or -1 when the memory could not grow.
func (c Code) MemoryGrow() Code { return append(c, opMemoryGrow, 0) }

// I32Const pushes v.
func (c Code) I32Const(v int32) Code { return sleb(append(c, opI32Const), int64(v)) }

// I32Eqz pops a value and pushes 1 when it is zero, else 0.
func (c Code) I32Eqz() Code { return append(c, opI32Eqz) }

// I32Eq pops two values and pushes 1 when they are equal, else 0.
func (c Code) I32Eq() Code { return append(c, opI32Eq) }

// I32LtU pops b then a and pushes 1 when a < b unsigned, else 0.
func (c Code) I32LtU() Code { return append(c, opI32LtU) }

// I32Add pops two values and pushes their sum.
func (c Code) I32Add() Code { return append(c, opI32Add) }

// MemoryFill pops a length, a byte value and an address and fills that
// range of memory 0 with the value (bulk memory operations).
func (c Code) MemoryFill() Code { return append(c, opPrefixFC, opMemoryFill, 0) }
