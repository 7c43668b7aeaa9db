// Package executortest is the conformance suite every executor.Executor
// passes. An engine's tests call Run with a Harness that builds the
// engine's executor and its versions of a few small programs (echo, exit,
// loop, allocate, copy, random, flood); the suite runs them and checks the
// behaviour the rest of OpenSky relies on: exit codes, stdio, arguments
// and environment, read-only inputs and collected outputs, output,
// memory and time limits, cancellation, determinism and concurrency.
package executortest
