package provider

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWorkdirsAreEmptiedAndReused(t *testing.T) {
	w, err := newWorkdirs(filepath.Join(t.TempDir(), "tasks"), 2)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := w.get()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "inputs", "in.txt"), []byte("x"), 0o400)
	os.MkdirAll(filepath.Join(dir, "outputs", "deep", "er"), 0o500)
	w.put(dir)
	again, err := w.get()
	if err != nil {
		t.Fatal(err)
	}
	if again != dir {
		t.Fatalf("got %s, want the reused %s", again, dir)
	}
	for _, sub := range []string{"inputs", "outputs"} {
		entries, err := os.ReadDir(filepath.Join(again, sub))
		if err != nil || len(entries) != 0 {
			t.Fatalf("%s not empty: %v %v", sub, entries, err)
		}
	}
	other, _ := w.get()
	if other == dir {
		t.Fatal("one directory handed out twice")
	}
}

func TestWorkdirReplacedBySymlinkIsDropped(t *testing.T) {
	w, _ := newWorkdirs(filepath.Join(t.TempDir(), "tasks"), 2)
	dir, _ := w.get()
	victim := t.TempDir()
	os.WriteFile(filepath.Join(victim, "keep.txt"), []byte("mine"), 0o600)
	os.RemoveAll(filepath.Join(dir, "outputs"))
	os.Symlink(victim, filepath.Join(dir, "outputs"))
	w.put(dir)
	if _, err := os.Stat(filepath.Join(victim, "keep.txt")); err != nil {
		t.Fatalf("cleaning followed a symlink out of the work directory: %v", err)
	}
	if next, _ := w.get(); next == dir {
		t.Fatal("a tampered directory was reused")
	}
}
