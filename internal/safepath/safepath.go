// Package safepath joins untrusted relative paths (from job specs and wire
// messages) under a directory without ever escaping it.
package safepath

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ErrUnsafe is returned for a path that is empty, absolute, not clean, or
// climbs out of its directory.
var ErrUnsafe = errors.New("unsafe path")

// Check reports whether rel is a clean, relative, slash-separated path that
// stays inside its directory.
func Check(rel string) error {
	if rel == "" || path.IsAbs(rel) || path.Clean(rel) != rel || rel == "." || rel == ".." ||
		strings.HasPrefix(rel, "../") || strings.ContainsRune(rel, '\\') || strings.ContainsRune(rel, 0) {
		return fmt.Errorf("%q: %w", rel, ErrUnsafe)
	}
	return nil
}

// Join returns dir joined with rel after Check.
func Join(dir, rel string) (string, error) {
	if err := Check(rel); err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), nil
}
