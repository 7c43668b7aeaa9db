package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/storage/archive"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

func newStorageGetCmd(g *globals, f *storageFlags) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "get CID [-o PATH]",
		Short: "Download, decrypt and verify a stored object",
		Long: `get downloads the object's ciphertext (read from any k of its shards, each
piece checked against its shard's Merkle root), decrypts it with the key
unwrapped by your wallet, and checks it against the CID. Nothing appears at
PATH unless every byte checked out: the download goes to a temporary file
next to PATH, which replaces PATH only at the end.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cid := args[0]
			if err := seal.ParseCID(cid); err != nil {
				return err
			}
			c := g.client()
			obj, err := c.Object(ctx, cid)
			if err != nil {
				return err
			}
			dir := strings.HasSuffix(obj.Name, "/")
			if out == "" {
				out = filepath.Base(strings.TrimSuffix(obj.Name, "/"))
				if out == "" || out == "." || out == "/" {
					out = cid
				}
			}
			if _, err := os.Lstat(out); err == nil && !force {
				return fmt.Errorf("%s exists: choose another -o PATH or pass --force", out)
			}
			key, err := objectKey(g, f.wallet, obj)
			if err != nil {
				return err
			}
			bar := newProgress(cmd.ErrOrStderr(), "downloading", obj.Size)
			if err := downloadObject(ctx, c, obj, key, out, dir, bar.Set); err != nil {
				return err
			}
			bar.Done()
			fmt.Fprintf(cmd.ErrOrStderr(), "verified %s and wrote %s\n", cid, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write it (default: the object's name here)")
	cmd.Flags().BoolVar(&force, "force", false, "replace PATH if it exists")
	return cmd
}

// downloadObject writes the object's plaintext to a temporary path next to out
// and moves it there once the ciphertext's CID checked out.
func downloadObject(ctx context.Context, c *api.Client, obj *api.StoredObject, key seal.Key, out string, dir bool, progress func(int64)) error {
	parent := filepath.Dir(out)
	pr, pw := io.Pipe()
	h := new(seal.Hasher)
	done := make(chan error, 1)
	go func() {
		n, err := c.GetObject(ctx, obj.CID, io.MultiWriter(h, pw))
		if err == nil && n != obj.CipherLen {
			err = fmt.Errorf("download %s: got %d of %d bytes", obj.CID, n, obj.CipherLen)
		}
		_ = pw.CloseWithError(err)
		done <- err
	}()
	plain, err := seal.NewReader(pr, key, obj.CipherLen)
	if err != nil {
		_ = pr.CloseWithError(err)
		<-done
		return err
	}
	cr := &countingReader{r: plain, fn: progress}

	var tmp string
	if dir {
		tmp, err = os.MkdirTemp(parent, ".opensky-get-*")
		if err == nil {
			err = archive.Extract(cr, tmp)
		}
	} else {
		var f *os.File
		f, err = os.CreateTemp(parent, ".opensky-get-*")
		if err == nil {
			tmp = f.Name()
			_, err = io.Copy(f, cr)
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	}
	_ = pr.CloseWithError(errors.New("download ended"))
	derr := <-done
	if err == nil && derr != nil {
		err = derr
	}
	if err == nil {
		var got string
		if got, err = h.Sum(); err == nil && got != obj.CID {
			err = fmt.Errorf("the downloaded ciphertext hashes to %s, not %s", got, obj.CID)
		}
	}
	if err == nil {
		if _, serr := os.Lstat(out); serr == nil {
			err = os.RemoveAll(out)
		} else if !errors.Is(serr, fs.ErrNotExist) {
			err = serr
		}
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		if tmp != "" {
			_ = os.RemoveAll(tmp)
		}
		return fmt.Errorf("get %s: %w (nothing was written to %s)", obj.CID, err, out)
	}
	return nil
}

// objectKey unwraps a stored object's content key with the wallet.
func objectKey(g *globals, wallet string, obj *api.StoredObject) (seal.Key, error) {
	acct, err := loadWallet(g, wallet)
	if err != nil {
		return seal.Key{}, err
	}
	key, err := seal.UnwrapKey(acct, obj.WrappedKey)
	if err != nil {
		return seal.Key{}, fmt.Errorf("the object's key does not open with wallet %q (%s): %w", wallet, acct.Address(), err)
	}
	return key, nil
}
