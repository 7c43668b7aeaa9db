package identity

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// ErrKeyFilePermissions is returned for a key file that users other than
// its owner may read or write.
var ErrKeyFilePermissions = errors.New("identity: key file is accessible to group or others")

// LoadOrCreatePeerKey returns the ed25519 libp2p key stored at path, or
// creates one there when the file does not exist. The file holds the key in
// libp2p's protobuf encoding with mode 0600; a missing parent directory is
// created with mode 0700. A key file open to group or others is refused
// with ErrKeyFilePermissions rather than used or silently fixed.
func LoadOrCreatePeerKey(path string) (crypto.PrivKey, error) {
	priv, err := loadPeerKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return priv, err
	}
	priv, _, err = crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generate peer key: %w", err)
	}
	data, err := crypto.MarshalPrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("identity: encode peer key: %w", err)
	}
	if err := writeFileAtomic(path, data); err != nil {
		return nil, err
	}
	return priv, nil
}

// loadPeerKey reads and checks an existing key file.
func loadPeerKey(path string) (crypto.PrivKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("identity: peer key %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("identity: peer key %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, want 0600", ErrKeyFilePermissions, path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("identity: read peer key: %w", err)
	}
	priv, err := crypto.UnmarshalPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("identity: decode peer key %s: %w", path, err)
	}
	if priv.Type() != crypto.Ed25519 {
		return nil, fmt.Errorf("identity: peer key %s is %s, want Ed25519", path, priv.Type())
	}
	return priv, nil
}

// writeFileAtomic writes data to path with mode 0600 through a temporary
// file in the same directory and a rename, so that path never holds a
// partial key.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("identity: key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("identity: create key file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: key file mode: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("identity: close key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("identity: install key file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
