// Package wasmtest assembles tiny WebAssembly modules in the binary format
// for tests and benchmarks: modules that exit with a code, loop forever,
// trap, grow memory without bound, print random bytes or flood stdout.
// They need no compiler and compile in microseconds.
//
// Module and Code are a minimal assembler; the fixture functions (Trivial,
// Exit, Loop, ...) are built on them.
package wasmtest
