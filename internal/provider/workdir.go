package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// workdirs hands out per-task work directories, each with an inputs/ and
// an outputs/ directory. A finished task's directory is emptied and kept for
// the next task, because creating and removing directories is among the
// most expensive steps of a short task.
type workdirs struct {
	base string
	keep int

	mu   sync.Mutex
	free []string
	n    int
}

func newWorkdirs(base string, keep int) (*workdirs, error) {
	// Directories left by a previous run belong to tasks that are gone.
	if err := os.RemoveAll(base); err != nil {
		return nil, fmt.Errorf("clear work directories: %w", err)
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, fmt.Errorf("work directories: %w", err)
	}
	return &workdirs{base: base, keep: keep}, nil
}

// get returns an empty work directory.
func (w *workdirs) get() (string, error) {
	w.mu.Lock()
	if n := len(w.free); n > 0 {
		dir := w.free[n-1]
		w.free = w.free[:n-1]
		w.mu.Unlock()
		return dir, nil
	}
	w.n++
	dir := filepath.Join(w.base, fmt.Sprintf("w%d", w.n))
	w.mu.Unlock()
	for _, sub := range []string{"inputs", "outputs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return "", fmt.Errorf("%w: %w", errStaging, err)
		}
	}
	return dir, nil
}

// put empties a work directory and keeps it for reuse, or removes it when
// it cannot be emptied or enough are kept already.
func (w *workdirs) put(dir string) {
	clean := true
	for _, sub := range []string{"inputs", "outputs"} {
		if err := emptyDir(filepath.Join(dir, sub)); err != nil {
			clean = false
		}
	}
	w.mu.Lock()
	if clean && len(w.free) < w.keep {
		w.free = append(w.free, dir)
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	os.RemoveAll(dir)
}

// emptyDir removes everything inside dir and makes sure dir itself is a
// private directory again.
func emptyDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		os.RemoveAll(dir)
		return fmt.Errorf("work directory %s was replaced", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.Type()&os.ModeSymlink == 0 {
			os.Chmod(p, 0o700)
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}
