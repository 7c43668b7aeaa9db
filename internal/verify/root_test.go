package verify

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTaskRootCommitsToEverything(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("alpha"), 0o600)
	os.WriteFile(filepath.Join(dir, "sub", "b.txt"), []byte("beta"), 0o600)
	base, err := TaskRoot(dir, 0, []byte("out"), []byte("err"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := TaskRoot(dir, 0, []byte("out"), []byte("err"))
	if base != again {
		t.Fatal("root is not deterministic")
	}
	mem, _ := ResultRoot([]Leaf{FileLeaf("sub/b.txt", []byte("beta")), FileLeaf("a.txt", []byte("alpha"))}, 0, []byte("out"), []byte("err"))
	if mem != base {
		t.Fatalf("in-memory root %s differs from directory root %s", mem, base)
	}
	variants := map[string]func() (string, error){
		"exit code": func() (string, error) {
			c, err := TaskRoot(dir, 1, []byte("out"), []byte("err"))
			return c.String(), err
		},
		"stdout": func() (string, error) {
			c, err := TaskRoot(dir, 0, []byte("out!"), []byte("err"))
			return c.String(), err
		},
		"stderr": func() (string, error) { c, err := TaskRoot(dir, 0, []byte("out"), nil); return c.String(), err },
		"content": func() (string, error) {
			c, err := ResultRoot([]Leaf{FileLeaf("sub/b.txt", []byte("betA")), FileLeaf("a.txt", []byte("alpha"))}, 0, []byte("out"), []byte("err"))
			return c.String(), err
		},
		"path": func() (string, error) {
			c, err := ResultRoot([]Leaf{FileLeaf("sub/c.txt", []byte("beta")), FileLeaf("a.txt", []byte("alpha"))}, 0, []byte("out"), []byte("err"))
			return c.String(), err
		},
	}
	for name, f := range variants {
		got, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if got == base.String() {
			t.Errorf("changing the %s did not change the root", name)
		}
	}
}

func TestRootRejectsDuplicatesAndSymlinks(t *testing.T) {
	if _, err := Root([]Leaf{{Path: "x"}, {Path: "x"}}); err == nil {
		t.Error("duplicate paths accepted")
	}
	dir := t.TempDir()
	os.Symlink("/etc/passwd", filepath.Join(dir, "link"))
	if _, err := FileLeaves(dir); err == nil {
		t.Error("symlink in outputs accepted")
	}
	if leaves, err := FileLeaves(filepath.Join(dir, "missing")); err != nil || len(leaves) != 0 {
		t.Errorf("missing dir: %v %v", leaves, err)
	}
}

func TestJobRootOrder(t *testing.T) {
	a, _ := JobRoot([]string{"x", "y"})
	b, _ := JobRoot([]string{"y", "x"})
	if a == b {
		t.Error("job root ignores shard order")
	}
}
