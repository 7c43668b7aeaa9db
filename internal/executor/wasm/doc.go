// Package wasm is the WebAssembly executor: it runs WASI preview 1
// commands on wazero under hard limits.
//
// A task sees only what it is given: its arguments (argv[0] is always
// "module.wasm"), its environment plus OPENSKY_SHARD_INDEX,
// OPENSKY_SHARD_COUNT and OPENSKY_JOB_ID, its stdin, Task.InputDir
// read-only at /inputs and Task.OutputDir writable at /outputs (where
// symlinks cannot be created, so nothing leads outside). Clocks are
// fake and randomness comes from a generator seeded by Task.Seed, so the
// same task gives byte-identical output on every provider.
//
// Compiled modules are kept in a bounded in-memory cache keyed by module
// hash and, with WithCacheDir, on disk across restarts. Memory limits are
// enforced per run by the linear-memory allocator, so one compiled module
// serves every limit; a module that asks for more memory than its limit
// fails with executor.ErrMemoryLimit.
package wasm
