package wasmbuild

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// tempModule writes a module with one main package, ./hello, printing msg,
// and makes it the working directory.
func tempModule(t *testing.T, msg string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/hello\n\ngo 1.24\n")
	write(t, filepath.Join(dir, "hello", "main.go"),
		"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\""+msg+"\") }\n")
	t.Chdir(dir)
	return dir
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// isolateCache points the module cache at a fresh directory while keeping
// the Go build cache where it is (it lives under the same base by default).
func isolateCache(t *testing.T) {
	t.Helper()
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	t.Setenv("GOCACHE", strings.TrimSpace(string(gocache)))
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
}

func isWasm(t *testing.T, p string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x00asm\x01\x00\x00\x00")) {
		t.Fatalf("%s is not a WebAssembly module", p)
	}
}

func TestBuildConcurrentlyAndFromCache(t *testing.T) {
	isolateCache(t)
	tempModule(t, "hello")
	ctx := context.Background()

	const n = 4
	paths := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { paths[i], errs[i] = Build(ctx, "./hello") })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Build %d: %v", i, errs[i])
		}
		if paths[i] != paths[0] {
			t.Fatalf("concurrent builds gave %s and %s", paths[0], paths[i])
		}
	}
	isWasm(t, paths[0])
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(paths[0]), ".build-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left behind: %v", leftovers)
	}

	before, err := os.Stat(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(ctx, "./hello")
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(again)
	if err != nil {
		t.Fatal(err)
	}
	if again != paths[0] || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("an unchanged package was rebuilt: %s then %s", paths[0], again)
	}
}

func TestBuildKeyFollowsSources(t *testing.T) {
	isolateCache(t)
	dir := tempModule(t, "one")
	ctx := context.Background()
	first, err := Build(ctx, "./hello")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "hello", "main.go"),
		"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"two\") }\n")
	second, err := Build(ctx, "./hello")
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatalf("a changed package kept its cache entry %s", first)
	}
	isWasm(t, second)
}

func TestBuildReportsCompileErrors(t *testing.T) {
	isolateCache(t)
	dir := tempModule(t, "x")
	write(t, filepath.Join(dir, "hello", "main.go"), "package main\n\nfunc main() { undefined() }\n")
	if _, err := Build(context.Background(), "./hello"); err == nil {
		t.Fatal("Build of a broken package succeeded")
	}
	if _, err := Build(context.Background(), "./missing"); err == nil {
		t.Fatal("Build of a missing package succeeded")
	}
}
