// Package executor defines the Executor interface that every execution
// engine implements (wasm/ now, docker/ next), the task it runs and the
// result it returns. executortest holds the conformance suite every engine
// must pass.
package executor
