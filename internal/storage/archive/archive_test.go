package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTripAndExactSize(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{
		"a.txt":                "alpha",
		"empty":                "",
		"sub/b.bin":            strings.Repeat("b", 70000),
		"sub/deeper/" + long(): "long name",
	}
	for name, body := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := Dir(src)
	if err != nil {
		t.Fatal(err)
	}
	size, err := Size(entries)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, entries); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != size {
		t.Fatalf("Size said %d, Write wrote %d", size, buf.Len())
	}
	dst := t.TempDir()
	if err := Extract(&buf, dst); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		got, err := os.ReadFile(filepath.Join(dst, filepath.FromSlash(name)))
		if err != nil || string(got) != body {
			t.Fatalf("%s: got %q, %v", name, got, err)
		}
	}
}

func TestChangedFileIsAnError(t *testing.T) {
	src := t.TempDir()
	p := filepath.Join(src, "f")
	if err := os.WriteFile(p, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := Dir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("1234567"), 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, entries); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Fatalf("a file that grew: %v", err)
	}
}

func TestExtractRefusesEscapes(t *testing.T) {
	for _, name := range []string{"../evil", "/abs", "a/../../evil"} {
		var buf bytes.Buffer
		e := []Entry{{Name: name, Size: 1, Open: func() (r ioReadCloser, err error) { return nopCloser{strings.NewReader("x")}, nil }}}
		if err := Write(&buf, e); err != nil {
			t.Fatal(err)
		}
		if err := Extract(&buf, t.TempDir()); err == nil {
			t.Fatalf("entry %q was extracted", name)
		}
	}
}

func long() string { return strings.Repeat("n", 150) + ".txt" }
