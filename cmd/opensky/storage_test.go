package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

func TestParseStorageDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "30d": 30 * 24 * time.Hour, "1d": 24 * time.Hour, "720h": 720 * time.Hour, "90m": 90 * time.Minute} {
		got, err := parseStorageDuration(in)
		if err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-3d", "30", "3dd", "soon", "-1h", "0s"} {
		if _, err := parseStorageDuration(in); err == nil {
			t.Errorf("%q was accepted", in)
		}
	}
}

func TestHealthAndShardText(t *testing.T) {
	if s := healthText(api.StorageHealth{Live: 14, Total: 14, Readable: true}); s != "14/14 live" {
		t.Errorf("healthy: %q", s)
	}
	if s := healthText(api.StorageHealth{Live: 9, Total: 14}); !strings.Contains(s, "unreadable") {
		t.Errorf("unreadable: %q", s)
	}
	// 10+4: a 1 MiB ciphertext fills 7 stripes of 160 KiB, 7 pieces of
	// 16 KiB on every shard.
	if s := shardText("10+4", 1<<20); s != bytesize(7*16<<10) {
		t.Errorf("shard size: %q", s)
	}
	if s := shardText("ten+four", 1); s != "?" {
		t.Errorf("unknown layout: %q", s)
	}
}

func TestOpenSourceMeasuresADirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("alpha"), 0o644)
	src, err := openSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(src.name, "/") || src.size <= 5 {
		t.Fatalf("directory source %+v", src)
	}
	r, err := src.open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int64
	buf := make([]byte, 4096)
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if err != nil {
			break
		}
	}
	if n != src.size {
		t.Fatalf("the tar stream has %d bytes, %d were announced", n, src.size)
	}
	if _, err := openSource(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing path was opened")
	}
}
