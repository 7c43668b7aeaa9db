package identity

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
)

func TestLoadOrCreatePeerKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	path := filepath.Join(dir, "peer.key")

	first, err := LoadOrCreatePeerKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if first.Type() != crypto.Ed25519 {
		t.Fatalf("key type %s, want Ed25519", first.Type())
	}
	for name, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", name, got, want)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want only the key", len(entries))
	}

	second, err := LoadOrCreatePeerKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equals(second) {
		t.Fatal("loading the key again gave another key")
	}
}

func TestLoadOrCreatePeerKeyRefusesOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "peer.key")
	if _, err := LoadOrCreatePeerKey(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreatePeerKey(path); !errors.Is(err, ErrKeyFilePermissions) {
			t.Errorf("mode %04o: err = %v, want ErrKeyFilePermissions", mode, err)
		}
	}
}

func TestLoadOrCreatePeerKeyRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "peer.key")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreatePeerKey(path); err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "not a key" {
		t.Fatal("a corrupt key file was overwritten")
	}
}

func TestLoadOrCreatePeerKeyRejectsOtherKeyTypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "peer.key")
	priv, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	data, err := crypto.MarshalPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreatePeerKey(path); err == nil {
		t.Fatal("a secp256k1 key was accepted as a peer key")
	}
}
