package dockertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockPoll is how often lockFile retries a lock another process holds.
const lockPoll = 100 * time.Millisecond

// lockFile takes an exclusive lock on a file of that name in the temporary
// directory, waiting for other processes until ctx ends, and returns the
// function that releases it.
func lockFile(ctx context.Context, name string) (func(), error) {
	p := filepath.Join(os.TempDir(), name)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("dockertest: lock %s: %w", p, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("dockertest: lock %s: %w", p, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("dockertest: wait for lock %s: %w", p, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
