package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestJobGetOneShard(t *testing.T) {
	_, url := submitted(t, 1, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, outputs: []outputFile{
			{shard: 0, path: "result.txt", data: []byte("42\n")},
			{shard: 0, path: "deep/dir/more.bin", data: []byte{0, 1, 2}},
		}}
	})
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, url, "", "job", "get", "job-1", "-o", dir)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if readFile(t, filepath.Join(dir, "result.txt")) != "42\n" || readFile(t, filepath.Join(dir, "deep", "dir", "more.bin")) != "\x00\x01\x02" {
		t.Fatal("files not written")
	}
	if !strings.Contains(stdout, filepath.Join(dir, "result.txt")) || !strings.Contains(stdout, filepath.Join(dir, "deep", "dir", "more.bin")) {
		t.Fatalf("stdout %q does not say what was written", stdout)
	}
}

func TestJobGetShards(t *testing.T) {
	_, url := startGateway(t, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, outputs: []outputFile{
			{shard: 0, path: "part.txt", data: []byte("a")},
			{shard: 1, path: "part.txt", data: []byte("b")},
		}}
	})
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	if code, _, stderr := cli(t, url, "", "wasm", "run", "-d", "--shards", "3", mod); code != 0 {
		t.Fatal(stderr)
	}
	dir := t.TempDir()
	if code, _, stderr := cli(t, url, "", "job", "get", "job-1", "-o", dir); code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if readFile(t, filepath.Join(dir, "shard-0", "part.txt")) != "a" || readFile(t, filepath.Join(dir, "shard-1", "part.txt")) != "b" {
		t.Fatal("shard files not written")
	}
}

func TestJobGetRefusesTraversal(t *testing.T) {
	_, url := submitted(t, 1, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, outputs: []outputFile{
			{shard: 0, path: "ok.txt", data: []byte("fine")},
			{shard: 0, path: "../escape.txt", data: []byte("evil"), listedOnly: true},
			{shard: 0, path: "/etc/evil", data: []byte("evil"), listedOnly: true},
			{shard: 0, path: "a/../../escape2.txt", data: []byte("evil"), listedOnly: true},
		}}
	})
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	code, _, stderr := cli(t, url, "", "job", "get", "job-1", "-o", dir)
	if code == 0 {
		t.Fatal("a listing with escaping paths succeeded")
	}
	if !strings.Contains(stderr, "refusing output \"../escape.txt\"") || !strings.Contains(stderr, "refused 3") {
		t.Fatalf("stderr %q", stderr)
	}
	if readFile(t, filepath.Join(dir, "ok.txt")) != "fine" {
		t.Fatal("the safe file was not written")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("files written outside the target: %v", entries)
	}
}

func TestJobGetRefusesSymlinkEscape(t *testing.T) {
	_, url := submitted(t, 1, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, outputs: []outputFile{
			{shard: 0, path: "link/x.txt", data: []byte("evil")},
		}}
	})
	parent := t.TempDir()
	outside := filepath.Join(parent, "outside")
	dir := filepath.Join(parent, "out")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	code, _, _ := cli(t, url, "", "job", "get", "job-1", "-o", dir)
	if code == 0 {
		t.Fatal("writing through a symlink out of the target succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "x.txt")); err == nil {
		t.Fatal("a file was written outside the target through a symlink")
	}
}
