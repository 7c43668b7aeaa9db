// Package archive packs a tree of files into one tar stream of a size
// known before the first byte is written, and unpacks it safely. A stored
// directory, and a job's published outputs, are such streams: the storage
// network needs an object's exact size before it is uploaded.
package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Entry is one file or directory of an archive.
type Entry struct {
	// Name is the slash-separated path in the archive.
	Name    string
	Dir     bool
	Size    int64
	Mode    fs.FileMode
	ModTime time.Time
	// Open returns the file's content, Size bytes (not called for
	// directories).
	Open func() (io.ReadCloser, error)
}

// Write writes entries as a tar stream, in order. A file whose content is
// not exactly its Size is an error.
func Write(w io.Writer, entries []Entry) error { return write(w, entries, false) }

// Size is the exact length of Write's stream for entries, found without
// reading any file.
func Size(entries []Entry) (int64, error) {
	var c counter
	if err := write(&c, entries, true); err != nil {
		return 0, err
	}
	return int64(c), nil
}

func write(w io.Writer, entries []Entry, dry bool) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.Name, Mode: int64(e.Mode.Perm()), ModTime: e.ModTime.UTC().Truncate(time.Second), Format: tar.FormatPAX}
		if e.Dir {
			hdr.Typeflag, hdr.Name = tar.TypeDir, strings.TrimSuffix(e.Name, "/")+"/"
		} else {
			hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("archive: %s: %w", e.Name, err)
		}
		if e.Dir {
			continue
		}
		if dry {
			if _, err := io.CopyN(tw, zeros{}, e.Size); err != nil {
				return err
			}
			continue
		}
		if err := copyEntry(tw, e); err != nil {
			return err
		}
	}
	return tw.Close()
}

func copyEntry(w io.Writer, e Entry) error {
	r, err := e.Open()
	if err != nil {
		return fmt.Errorf("archive: %s: %w", e.Name, err)
	}
	defer r.Close()
	n, err := io.CopyN(w, r, e.Size)
	if errors.Is(err, io.EOF) {
		err = fmt.Errorf("%d bytes, %d expected: it changed while it was being read", n, e.Size)
	} else if err == nil {
		if k, _ := r.Read(make([]byte, 1)); k > 0 {
			err = fmt.Errorf("more than the %d bytes expected: it changed while it was being read", e.Size)
		}
	}
	if err != nil {
		return fmt.Errorf("archive: %s: %w", e.Name, err)
	}
	return nil
}

// Dir lists the regular files and directories under root, in a stable
// order, named relative to root. Symbolic links and special files are
// left out.
func Dir(root string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := Entry{Name: filepath.ToSlash(rel), Mode: info.Mode(), ModTime: info.ModTime()}
		switch {
		case info.IsDir():
			e.Dir = true
		case info.Mode().IsRegular():
			e.Size = info.Size()
			e.Open = func() (io.ReadCloser, error) { return os.Open(p) }
		default:
			return nil
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Extract unpacks a tar stream into dir, which must exist. Entries that
// would land outside dir, links and special files are refused; existing
// files are never overwritten.
func Extract(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("archive: read: %w", err)
		}
		name := path.Clean(hdr.Name)
		if name == "." || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("archive: entry %q points outside the directory", hdr.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		perm := fs.FileMode(hdr.Mode).Perm() | 0o600
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, perm|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("archive: entry %q is not a file or a directory", hdr.Name)
		}
	}
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
