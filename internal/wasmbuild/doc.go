// Package wasmbuild compiles Go main packages of this module to
// WebAssembly (GOOS=wasip1 GOARCH=wasm) for tests and benchmarks, caching
// the results under the user's cache directory so that a module is only
// rebuilt when its sources or the Go toolchain change.
package wasmbuild
