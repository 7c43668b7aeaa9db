package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// uploader uploads local files as blobs, each file once.
type uploader struct {
	c       *api.Client
	refs    map[string]string // absolute path -> blob reference
	objects objectOpener
}

func newUploader(c *api.Client) *uploader {
	return &uploader{c: c, refs: make(map[string]string)}
}

// upload uploads the file at path and returns its blob reference.
func (u *uploader) upload(ctx context.Context, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", path, err)
	}
	if ref, ok := u.refs[abs]; ok {
		return ref, nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", fmt.Errorf("upload: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("upload %s: not a regular file", path)
	}
	b, err := u.c.PutBlob(ctx, f)
	if err != nil {
		return "", fmt.Errorf("upload %s: %w", path, err)
	}
	u.refs[abs] = b.Hash
	return b.Hash, nil
}

// resolveSpec uploads the local files j names (its module and inputs with
// a file) and replaces them with blob references. Relative paths are
// relative to dir, the directory of the spec file.
func resolveSpec(ctx context.Context, u *uploader, j *spec.Job, dir string) error {
	local := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}
	if j.Module != "" && !spec.IsBlobRef(j.Module) {
		ref, err := u.upload(ctx, local(j.Module))
		if err != nil {
			return fmt.Errorf("module: %w", err)
		}
		j.Module = ref
	}
	if r := j.Reduce; r != nil && r.Module != "" && !spec.IsBlobRef(r.Module) {
		ref, err := u.upload(ctx, local(r.Module))
		if err != nil {
			return fmt.Errorf("reduce.module: %w", err)
		}
		r.Module = ref
	}
	for i := range j.Inputs {
		in := &j.Inputs[i]
		if in.Object != "" {
			ref, err := u.openObject(ctx, in.Object)
			if err != nil {
				return fmt.Errorf("inputs[%d] (%s): %w", i, in.Name, err)
			}
			in.Blob, in.Object = ref, ""
			continue
		}
		if in.File == "" {
			continue
		}
		ref, err := u.upload(ctx, local(in.File))
		if err != nil {
			return fmt.Errorf("inputs[%d] (%s): %w", i, in.Name, err)
		}
		in.Blob, in.File = ref, ""
	}
	return nil
}
