package docker

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"
)

// diskPoll is how often the size of a running job's outputs is measured.
const diskPoll = 250 * time.Millisecond

// watchDisk measures dir every diskPoll until ctx ends and closes the
// returned channel as soon as it holds more than limit bytes, so that a
// job filling the disk is stopped while it runs and not only judged
// afterwards. Between two measurements a job can write past the limit
// by what it writes in diskPoll.
func watchDisk(ctx context.Context, dir string, limit int64) <-chan struct{} {
	over := make(chan struct{})
	if dir == "" || limit <= 0 {
		return over
	}
	go func() {
		t := time.NewTicker(diskPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if n, err := dirSize(dir); err == nil && n > limit {
				close(over)
				return
			}
		}
	}()
	return over
}

// dirSize returns the total size of the regular files under dir; a
// missing dir is empty. Files that vanish while it walks are skipped.
func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				if p == dir {
					return fs.SkipAll
				}
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}
