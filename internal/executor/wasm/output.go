package wasm

import "github.com/opensky-network/opensky/internal/executor"

// DefaultOutputBytes bounds captured stdout and stderr each when a task
// sets no Limits.OutputBytes.
const DefaultOutputBytes = executor.DefaultOutputBytes
