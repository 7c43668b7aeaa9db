package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/storage/archive"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

func newStoragePutCmd(g *globals, f *storageFlags) *cobra.Command {
	var redundancy, duration, name string
	cmd := &cobra.Command{
		Use:   "put FILE|DIR",
		Short: "Encrypt a file or directory and store it on the network; prints its CID",
		Long: `put encrypts FILE (or DIR, as a tar archive) with a fresh key, wraps the key
to your wallet's account, streams the ciphertext to the gateway, which spreads
it over k+m providers, and prints the object's CID. Memory use does not grow
with the file's size.

On a network that charges for storage, the price for the duration is locked in
a storage deal from your wallet first; providers are paid from it for every
audit period they pass.`,
		Example: `  opensky storage put photos/ --redundancy 10+4 --duration 30d
  opensky storage put backup.tar.zst`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			src, err := openSource(args[0])
			if err != nil {
				return err
			}
			if name == "" {
				name = src.name
			}
			d, err := parseStorageDuration(duration)
			if err != nil {
				return err
			}
			addr, err := walletAddress(f.wallet)
			if err != nil {
				return err
			}
			pub, err := identity.ParseAddress(addr)
			if err != nil {
				return fmt.Errorf("wallet %q: %w", f.wallet, err)
			}
			key, err := seal.NewKey()
			if err != nil {
				return err
			}
			wrapped, err := seal.WrapKey(pub, key)
			if err != nil {
				return err
			}
			c := g.client()
			put := api.StoragePut{Name: name, Size: src.size, Redundancy: redundancy, Duration: d, WrappedKey: wrapped}
			if put.Deal, err = payForStorage(cmd, g, c, f.wallet, put); err != nil {
				return err
			}
			if put.Deal != "" && put.Duration == 0 {
				put.Duration = 30 * 24 * time.Hour // what the deal pays for
			}

			// First pass: seal to nowhere, for the ciphertext's digest
			// (which signs the upload) and its CID (which the gateway must
			// match before it keeps anything). The same key and counter
			// nonces make the second pass's ciphertext identical, so the
			// upload streams with memory bounded by one chunk.
			bar := newProgress(cmd.ErrOrStderr(), "sealing", src.size)
			digest, h := sha256.New(), new(seal.Hasher)
			if _, err := sealTo(io.MultiWriter(digest, h), key, src, bar.Set); err != nil {
				return err
			}
			bar.Done()
			if put.CID, err = h.Sum(); err != nil {
				return err
			}
			put.CipherLen, put.CipherSHA256 = seal.CipherLen(src.size), hex.EncodeToString(digest.Sum(nil))

			bar = newProgress(cmd.ErrOrStderr(), "uploading", src.size)
			pr, pw := io.Pipe()
			sent := make(chan int64, 1)
			go func() {
				n, err := sealTo(pw, key, src, bar.Set)
				sent <- n
				_ = pw.CloseWithError(err)
			}()
			obj, err := c.PutObject(ctx, put, pr)
			_ = pr.CloseWithError(errors.New("upload ended"))
			n := <-sent
			if err != nil {
				if n != src.size {
					return fmt.Errorf("%s changed while it was being uploaded (%d bytes read, %d expected): %w", args[0], n, src.size, err)
				}
				return err
			}
			bar.Done()
			if obj.CID != put.CID {
				_ = c.DeleteObject(ctx, obj.CID)
				return fmt.Errorf("the gateway stored %s, but what was sent hashes to %s; the object was removed", obj.CID, put.CID)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "stored %s (%s) as %s on %d providers, %d/%d shards live\n",
				name, bytesize(obj.Size), obj.Redundancy, len(obj.Shards), obj.Health.Live, obj.Health.Total)
			fmt.Fprintln(cmd.OutOrStdout(), obj.CID)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&redundancy, "redundancy", "", "data+parity shards, e.g. 10+4 (default: the gateway's)")
	fl.StringVar(&duration, "duration", "", "how long to keep it, e.g. 30d or 720h (default: until removed)")
	fl.StringVar(&name, "name", "", "name shown in storage ls (default: the file's name; a directory's ends with /)")
	return cmd
}

// sealTo encrypts the source into w, reporting plaintext bytes read, and
// returns how many it read. A source that grew or shrank since it was
// measured is an error.
func sealTo(w io.Writer, key seal.Key, src *source, progress func(int64)) (int64, error) {
	r, err := src.open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	sw := seal.NewWriter(w, key)
	cr := &countingReader{r: io.LimitReader(r, src.size+1), fn: progress}
	if _, err := io.Copy(sw, cr); err != nil {
		return cr.n, err
	}
	if cr.n != src.size {
		return cr.n, fmt.Errorf("%s changed while it was being read: %d bytes, %d expected", src.path, cr.n, src.size)
	}
	return cr.n, sw.Close()
}

// source is what put uploads: a file as it is, a directory as a tar
// stream whose size is measured first.
type source struct {
	path string
	name string
	size int64
	open func() (io.ReadCloser, error)
}

func openSource(path string) (*source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(abs)
	if st.Mode().IsRegular() {
		return &source{path: path, name: base, size: st.Size(), open: func() (io.ReadCloser, error) { return os.Open(path) }}, nil
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is neither a file nor a directory", path)
	}
	entries, err := archive.Dir(abs)
	if err != nil {
		return nil, err
	}
	size, err := archive.Size(entries)
	if err != nil {
		return nil, err
	}
	return &source{path: path, name: base + "/", size: size, open: func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() { _ = pw.CloseWithError(archive.Write(pw, entries)) }()
		return pr, nil
	}}, nil
}

// parseStorageDuration reads "30d", "12h", "90m" (empty: no limit).
func parseStorageDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var days int
	if _, err := fmt.Sscanf(s, "%dd", &days); err == nil && fmt.Sprintf("%dd", days) == s {
		if days <= 0 {
			return 0, fmt.Errorf("--duration %q: must be positive", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--duration %q: want e.g. 30d or 720h", s)
	}
	return d, nil
}
