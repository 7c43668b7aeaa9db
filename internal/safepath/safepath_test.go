package safepath

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestJoin(t *testing.T) {
	good := map[string]string{"a": "/d/a", "a/b.txt": "/d/a/b.txt", "..a": "/d/..a"}
	for rel, want := range good {
		got, err := Join("/d", rel)
		if err != nil || got != filepath.FromSlash(want) {
			t.Errorf("Join(%q) = %q, %v", rel, got, err)
		}
	}
	for _, rel := range []string{"", ".", "..", "../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\\..\\b", "a\x00b", "a/"} {
		if _, err := Join("/d", rel); !errors.Is(err, ErrUnsafe) {
			t.Errorf("Join(%q) accepted", rel)
		}
	}
}
