package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// getPublished downloads job id's published outputs from the storage
// network into dir. It reports false, and no error, when the job has no
// published outputs or the wallet cannot open them, so that the caller
// downloads from the gateway instead.
func getPublished(ctx context.Context, c *api.Client, id, dir string, stdout, stderr io.Writer) (bool, error) {
	objs, err := c.Objects(ctx)
	if err != nil {
		return false, nil // a gateway without the storage network
	}
	var obj *api.StoredObject
	for i := range objs {
		if objs[i].Name == "job-"+id+"/" {
			obj = &objs[i]
			break
		}
	}
	if obj == nil {
		return false, nil
	}
	acct, err := decryptWallet(walletNameFlag())
	if err != nil {
		fmt.Fprintf(stderr, "the outputs are published as %s, but %v; downloading from the gateway\n", obj.CID, err)
		return false, nil
	}
	key, err := seal.UnwrapKey(acct, obj.WrappedKey)
	if err != nil {
		fmt.Fprintf(stderr, "the outputs are published as %s, sealed to another account; downloading from the gateway\n", obj.CID)
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return true, fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".opensky-job-get-*")
	if err != nil {
		return true, err
	}
	defer os.RemoveAll(tmp)
	staged := filepath.Join(tmp, "outputs")
	if err := downloadObject(ctx, c, obj, key, staged, true, nil); err != nil {
		return true, err
	}
	// Move what was verified into dir, never over an existing file.
	err = filepath.WalkDir(staged, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == staged {
			return err
		}
		rel, _ := filepath.Rel(staged, p)
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("%s exists: not replaced", dst)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.Rename(p, dst); err != nil {
			return err
		}
		info, err := os.Stat(dst)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\t%s\n", dst, bytesize(info.Size()))
		return nil
	})
	if err != nil {
		return true, err
	}
	fmt.Fprintf(stderr, "from storage object %s, verified\n", obj.CID)
	return true, nil
}
