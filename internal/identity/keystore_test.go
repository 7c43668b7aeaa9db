package identity

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lowScrypt makes SaveAccount use the cheapest parameters the decoder
// accepts for the rest of the test.
func lowScrypt(t testing.TB) {
	t.Helper()
	saved := defaultScrypt
	defaultScrypt = scryptParams{N: minScryptN, R: 8, P: 1}
	t.Cleanup(func() { defaultScrypt = saved })
}

// fuzzPassphrase opens the keystores in testdata/fuzz/FuzzDecodeKeystore.
const fuzzPassphrase = "fuzz passphrase"

func saved(t *testing.T, uri, passphrase string) (string, *Account) {
	t.Helper()
	a, err := AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wallets", "w.json")
	if err := SaveAccount(path, a, passphrase); err != nil {
		t.Fatal(err)
	}
	return path, a
}

func TestKeystoreRoundTrip(t *testing.T) {
	lowScrypt(t)
	path, a := saved(t, cautionPhrase+"//opensky", "correct horse")
	for name, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600} {
		info, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %04o, want %04o", name, got, want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the keystore", len(entries))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("caution")) || bytes.Contains(data, []byte("opensky")) {
		t.Fatal("the keystore holds the secret in the clear")
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "address", "kdf", "n", "r", "p", "salt", "nonce", "ciphertext"} {
		if _, ok := f[k]; !ok {
			t.Errorf("no %q in the keystore", k)
		}
	}
	if f["address"] != a.Address() || f["kdf"] != "scrypt" || f["version"] != 1.0 {
		t.Errorf("keystore header %v", f)
	}

	addr, err := ReadAddress(path)
	if err != nil || addr != a.Address() {
		t.Fatalf("ReadAddress = %q, %v; want %s", addr, err, a.Address())
	}
	b, err := LoadAccount(path, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if b.PublicKey() != a.PublicKey() || b.uri != a.uri {
		t.Fatal("the loaded account differs")
	}
	sig, err := b.Sign([]byte("m"))
	if err != nil || !Verify(a.PublicKey(), []byte("m"), sig) {
		t.Fatalf("the loaded account does not sign: %v", err)
	}
}

// TestKeystoreProductParams runs one save and load at the product cost.
func TestKeystoreProductParams(t *testing.T) {
	if productScrypt != (scryptParams{N: 32768, R: 8, P: 1}) {
		t.Fatalf("product scrypt parameters %+v", productScrypt)
	}
	if defaultScrypt != productScrypt {
		t.Fatal("a test left the scrypt knob lowered")
	}
	path, a := saved(t, "//Alice", "pw")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"n": 32768`)) {
		t.Fatalf("keystore does not use n=32768:\n%s", data)
	}
	b, err := LoadAccount(path, "pw")
	if err != nil || b.Address() != a.Address() {
		t.Fatalf("LoadAccount = %v, %v", b, err)
	}
}

func TestKeystoreWrongPassphrase(t *testing.T) {
	lowScrypt(t)
	path, _ := saved(t, "//Alice", "right")
	for _, pw := range []string{"wrong", "", "right ", "Right"} {
		if _, err := LoadAccount(path, pw); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("passphrase %q: err = %v, want ErrWrongPassphrase", pw, err)
		}
	}
}

func TestKeystoreTampered(t *testing.T) {
	lowScrypt(t)
	path, _ := saved(t, "//Alice", "pw")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f keystoreFile
	if err := json.Unmarshal(orig, &f); err != nil {
		t.Fatal(err)
	}
	flip := func(h string) string {
		b := []byte(h)
		if b[4] == '0' {
			b[4] = '1'
		} else {
			b[4] = '0'
		}
		return string(b)
	}
	for name, change := range map[string]func(*keystoreFile){
		"ciphertext": func(f *keystoreFile) { f.Ciphertext = flip(f.Ciphertext) },
		"address":    func(f *keystoreFile) { f.Address = bobAddress },
		"salt":       func(f *keystoreFile) { f.Salt = flip(f.Salt) },
		"nonce":      func(f *keystoreFile) { f.Nonce = flip(f.Nonce) },
		"n":          func(f *keystoreFile) { f.N *= 2 },
		"truncated":  func(f *keystoreFile) { f.Ciphertext = f.Ciphertext[:len(f.Ciphertext)-2] },
	} {
		t.Run(name, func(t *testing.T) {
			g := f
			change(&g)
			p := writeJSON(t, g)
			if _, err := LoadAccount(p, "pw"); !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("err = %v, want ErrWrongPassphrase", err)
			}
		})
	}
}

// TestKeystoreSecretMatchesAddress checks that the decrypted secret must be
// the account the file names, even when the encryption is intact.
func TestKeystoreSecretMatchesAddress(t *testing.T) {
	lowScrypt(t)
	a, err := DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	a.uri = "//Bob"
	path := filepath.Join(t.TempDir(), "w.json")
	if err := SaveAccount(path, a, "pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAccount(path, "pw"); !errors.Is(err, ErrMalformedKeystore) {
		t.Fatalf("err = %v, want ErrMalformedKeystore", err)
	}
}

func TestKeystoreNotOverwritten(t *testing.T) {
	lowScrypt(t)
	path, alice := saved(t, "//Alice", "first")
	bob, err := DevAccount("Bob")
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveAccount(path, bob, "second"); !errors.Is(err, ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	a, err := LoadAccount(path, "first")
	if err != nil || a.Address() != alice.Address() {
		t.Fatalf("the first keystore did not survive: %v, %v", a, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the keystore", len(entries))
	}
}

func TestKeystoreEmptyPassphrase(t *testing.T) {
	a, err := DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.json")
	if err := SaveAccount(path, a, ""); !errors.Is(err, ErrEmptyPassphrase) {
		t.Fatalf("err = %v, want ErrEmptyPassphrase", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a keystore was written")
	}
}

func TestKeystoreOversized(t *testing.T) {
	lowScrypt(t)
	path, _ := saved(t, "//Alice", "pw")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	big := append(bytes.Repeat([]byte(" "), maxKeystoreSize), data...)
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAccount(path, "pw"); !errors.Is(err, ErrMalformedKeystore) || !strings.Contains(err.Error(), "64 KiB") {
		t.Fatalf("LoadAccount: %v, want ErrMalformedKeystore naming the limit", err)
	}
	if _, err := ReadAddress(path); !errors.Is(err, ErrMalformedKeystore) {
		t.Fatalf("ReadAddress: %v, want ErrMalformedKeystore", err)
	}
	// Exactly at the limit is still read.
	if err := os.WriteFile(path, append(bytes.Repeat([]byte(" "), maxKeystoreSize-len(data)), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAccount(path, "pw"); err != nil {
		t.Fatalf("a keystore of exactly 64 KiB: %v", err)
	}
}

func TestKeystoreMalformed(t *testing.T) {
	lowScrypt(t)
	path, _ := saved(t, "//Alice", "pw")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f keystoreFile
	if err := json.Unmarshal(orig, &f); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*keystoreFile){
		"version 2":        func(f *keystoreFile) { f.Version = 2 },
		"version 0":        func(f *keystoreFile) { f.Version = 0 },
		"kdf":              func(f *keystoreFile) { f.KDF = "argon2id" },
		"n huge":           func(f *keystoreFile) { f.N = 1 << 30 },
		"n small":          func(f *keystoreFile) { f.N = 16 },
		"n odd":            func(f *keystoreFile) { f.N = 3000 },
		"n negative":       func(f *keystoreFile) { f.N = -1024 },
		"r zero":           func(f *keystoreFile) { f.R = 0 },
		"r huge":           func(f *keystoreFile) { f.R = 1 << 20 },
		"p huge":           func(f *keystoreFile) { f.P = 1 << 20 },
		"memory":           func(f *keystoreFile) { f.N, f.R = 1<<20, 8 },
		"work":             func(f *keystoreFile) { f.N, f.R, f.P = 1<<18, 8, 16 },
		"address missing":  func(f *keystoreFile) { f.Address = "" },
		"address checksum": func(f *keystoreFile) { f.Address = f.Address[:40] + "zzzzzzzz" },
		"address polkadot": func(f *keystoreFile) { f.Address = alicePolkadot },
		"salt short":       func(f *keystoreFile) { f.Salt = "abcd" },
		"salt not hex":     func(f *keystoreFile) { f.Salt = strings.Repeat("x", 64) },
		"nonce length":     func(f *keystoreFile) { f.Nonce = f.Nonce[:len(f.Nonce)-2] },
		"ciphertext empty": func(f *keystoreFile) { f.Ciphertext = "" },
		"ciphertext huge":  func(f *keystoreFile) { f.Ciphertext = strings.Repeat("ab", 8<<10) },
	} {
		t.Run(name, func(t *testing.T) {
			g := f
			change(&g)
			p := writeJSON(t, g)
			if _, err := LoadAccount(p, "pw"); !errors.Is(err, ErrMalformedKeystore) {
				t.Errorf("LoadAccount: %v, want ErrMalformedKeystore", err)
			}
			if _, err := ReadAddress(p); !errors.Is(err, ErrMalformedKeystore) {
				t.Errorf("ReadAddress: %v, want ErrMalformedKeystore", err)
			}
		})
	}
	for name, data := range map[string]string{
		"empty":         "",
		"not json":      "hello",
		"array":         "[]",
		"unknown field": strings.Replace(string(orig), `"version"`, `"extra": 1, "version"`, 1),
		"trailing data": string(orig) + "{}",
		"n as string":   strings.Replace(string(orig), `"n": 1024`, `"n": "1024"`, 1),
		"n as float":    strings.Replace(string(orig), `"n": 1024`, `"n": 1024.5`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "w.json")
			if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadAccount(p, "pw"); !errors.Is(err, ErrMalformedKeystore) {
				t.Errorf("err = %v, want ErrMalformedKeystore", err)
			}
		})
	}
	if _, err := LoadAccount(filepath.Dir(path), "pw"); !errors.Is(err, ErrMalformedKeystore) {
		t.Errorf("a directory: %v, want ErrMalformedKeystore", err)
	}
	if _, err := LoadAccount(filepath.Join(t.TempDir(), "none.json"), "pw"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
}

func writeJSON(t *testing.T, f keystoreFile) string {
	t.Helper()
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "w.json")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzDecodeKeystore(f *testing.F) {
	lowScrypt(f)
	a, err := DevAccount("Alice")
	if err != nil {
		f.Fatal(err)
	}
	good, err := sealAccount(a, fuzzPassphrase, defaultScrypt)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		ks, err := decodeKeystore(data)
		if err != nil {
			if !errors.Is(err, ErrMalformedKeystore) {
				t.Fatalf("error %v is not ErrMalformedKeystore", err)
			}
			return
		}
		if err := ks.kdf.validate(); err != nil {
			t.Fatalf("accepted %v", err)
		}
		if pub, err := ParseAddress(ks.address); err != nil || pub != ks.pub || AddressOf(pub) != ks.address {
			t.Fatalf("accepted address %q: %v", ks.address, err)
		}
		if len(ks.nonce) != 24 || len(ks.salt) < 16 || len(ks.ciphertext) <= 16 {
			t.Fatalf("accepted lengths salt %d, nonce %d, ciphertext %d", len(ks.salt), len(ks.nonce), len(ks.ciphertext))
		}
		// Opening runs scrypt: only at the cheapest cost, to keep fuzzing fast.
		if ks.kdf.N*ks.kdf.R*ks.kdf.P > minScryptN*8 {
			return
		}
		acc, err := ks.open(fuzzPassphrase)
		switch {
		case err == nil:
			if acc.PublicKey() != ks.pub {
				t.Fatalf("opened the account %s from a file naming %s", acc, ks.address)
			}
		case errors.Is(err, ErrWrongPassphrase), errors.Is(err, ErrMalformedKeystore):
		default:
			t.Fatalf("open: unexpected error %v", err)
		}
	})
}
