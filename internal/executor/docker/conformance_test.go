package docker

import (
	"strconv"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/executor/executortest"
)

// harness is the conformance harness of this engine: every program is a
// behaviour of the static test image.
func harness() executortest.Harness {
	return executortest.Harness{
		New:    func(t *testing.T) executor.Executor { return newExecutor(t) },
		Echo:   func(args ...string) *executor.Task { return static("echo", args...) },
		Exit:   func(code int) *executor.Task { return static("exit", strconv.Itoa(code)) },
		Loop:   func() *executor.Task { return static("loop") },
		Alloc:  func() *executor.Task { return static("alloc") },
		Copy:   func() *executor.Task { return static("copy") },
		Random: func() *executor.Task { return static("random") },
		Flood:  func() *executor.Task { return static("flood", strconv.Itoa(4<<20)) },
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	executortest.Run(t, harness())
}
