package executortest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/executor"
)

// testTimeout: a task that runs past Limits.Timeout is stopped and ends in
// ErrTimeout.
func testTimeout(t *testing.T, h Harness) {
	ex := h.New(t)
	task := h.Loop()
	task.Limits.Timeout = 100 * time.Millisecond
	res, err := ex.Run(context.Background(), task)
	if !errors.Is(err, executor.ErrTimeout) {
		t.Fatalf("Loop with a timeout: err %v, want ErrTimeout", err)
	}
	if errors.Is(err, executor.ErrCancelled) {
		t.Errorf("a timeout also reported as a cancellation: %v", err)
	}
	if res == nil {
		t.Error("no Result for a task that started")
	}
}

// testCancel: cancelling the caller's context stops a running task with
// ErrCancelled, and a task on an already cancelled context does not run.
func testCancel(t *testing.T, h Harness) {
	ex := h.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	stop := time.AfterFunc(100*time.Millisecond, cancel)
	defer stop.Stop()
	task := h.Loop()
	task.Limits.Timeout = safetyTimeout
	_, err := ex.Run(ctx, task)
	if !errors.Is(err, executor.ErrCancelled) {
		t.Fatalf("Loop after cancel: err %v, want ErrCancelled", err)
	}
	if errors.Is(err, executor.ErrTimeout) {
		t.Errorf("a cancellation also reported as a timeout: %v", err)
	}

	done, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	task = h.Echo("never")
	task.Limits.Timeout = safetyTimeout
	res, err := ex.Run(done, task)
	if !errors.Is(err, executor.ErrCancelled) {
		t.Fatalf("Run on a cancelled context: err %v, want ErrCancelled", err)
	}
	if res != nil && len(res.Stdout) != 0 {
		t.Errorf("a task on a cancelled context ran and wrote %q", res.Stdout)
	}
}
