package identity

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
)

// A keystore file holds one account's secret URI encrypted with a
// passphrase, so that keys never rest on disk in the clear:
//
//	{"version":1,"address":"5…","kdf":"scrypt","n":32768,"r":8,"p":1,
//	 "salt":"<hex>","nonce":"<hex>","ciphertext":"<hex>"}
//
// The key is scrypt(passphrase, salt, n, r, p) and the cipher
// XChaCha20-Poly1305 with the address bound as additional data, so a file
// whose address was swapped does not open.

// Keystore errors callers test for.
var (
	// ErrExists is returned by SaveAccount when the file is already there;
	// a keystore is never overwritten.
	ErrExists = errors.New("identity: keystore file already exists")
	// ErrWrongPassphrase is returned when a keystore does not open with the
	// passphrase given. A file altered after it was written looks the same.
	ErrWrongPassphrase = errors.New("identity: wrong passphrase (or the keystore file was altered)")
	// ErrMalformedKeystore is returned for a file that is not a keystore
	// this version can read.
	ErrMalformedKeystore = errors.New("identity: malformed keystore file")
	// ErrEmptyPassphrase is returned by SaveAccount for an empty passphrase.
	ErrEmptyPassphrase = errors.New("identity: empty passphrase")
)

const (
	keystoreVersion = 1
	keystoreKDF     = "scrypt"
	// maxKeystoreSize bounds what LoadAccount and ReadAddress read.
	maxKeystoreSize = 64 << 10
	saltLength      = 32
	keyLength       = chacha20poly1305.KeySize
	// maxSecretLength bounds the plaintext: a 24-word mnemonic with a
	// long path and password is far below it.
	maxSecretLength = 4 << 10
)

// scryptParams are the key derivation costs.
type scryptParams struct {
	N, R, P int
}

// productScrypt is what SaveAccount writes: N=2^15, r=8 costs 32 MiB and
// a fraction of a second per save or load.
var productScrypt = scryptParams{N: 1 << 15, R: 8, P: 1}

// defaultScrypt is the knob SaveAccount reads; tests of this package lower
// it to keep fast, within the bounds below.
var defaultScrypt = productScrypt

// Bounds a file's scrypt parameters must keep, so that a hostile file
// cannot make scrypt eat the machine: at most 256 MiB of memory
// (128·N·r bytes) and 16 times the default work (N·r·p).
const (
	minScryptN      = 1 << 10
	maxScryptN      = 1 << 20
	maxScryptR      = 32
	maxScryptP      = 16
	maxScryptMemory = 256 << 20
	maxScryptWork   = 16 * (1 << 15) * 8
)

// validate checks the parameters against the bounds.
func (s scryptParams) validate() error {
	switch {
	case s.N < minScryptN || s.N > maxScryptN || s.N&(s.N-1) != 0:
		return fmt.Errorf("scrypt n %d: want a power of two from %d to %d", s.N, minScryptN, maxScryptN)
	case s.R < 1 || s.R > maxScryptR:
		return fmt.Errorf("scrypt r %d: want 1 to %d", s.R, maxScryptR)
	case s.P < 1 || s.P > maxScryptP:
		return fmt.Errorf("scrypt p %d: want 1 to %d", s.P, maxScryptP)
	case 128*int64(s.N)*int64(s.R) > maxScryptMemory:
		return fmt.Errorf("scrypt n %d, r %d need more than %d MiB", s.N, s.R, maxScryptMemory>>20)
	case int64(s.N)*int64(s.R)*int64(s.P) > maxScryptWork:
		return fmt.Errorf("scrypt n %d, r %d, p %d: too much work", s.N, s.R, s.P)
	}
	return nil
}

// keystoreFile is the JSON form of a keystore.
type keystoreFile struct {
	Version    int    `json:"version"`
	Address    string `json:"address"`
	KDF        string `json:"kdf"`
	N          int    `json:"n"`
	R          int    `json:"r"`
	P          int    `json:"p"`
	Salt       string `json:"salt"`
	Nonce      string `json:"nonce"`
	Ciphertext string `json:"ciphertext"`
}

// keystore is a decoded and validated keystore file.
type keystore struct {
	address    string
	pub        [32]byte
	kdf        scryptParams
	salt       []byte
	nonce      []byte
	ciphertext []byte
}

// SaveAccount writes a's secret to path encrypted with passphrase, with
// mode 0600 and through a temporary file, so that path never holds a
// partial keystore. A missing parent directory is created with mode 0700.
// An existing file is never overwritten: SaveAccount returns ErrExists.
func SaveAccount(path string, a *Account, passphrase string) error {
	if passphrase == "" {
		return ErrEmptyPassphrase
	}
	data, err := sealAccount(a, passphrase, defaultScrypt)
	if err != nil {
		return err
	}
	return writeFileExclusive(path, data)
}

// LoadAccount reads the keystore at path and decrypts its account with
// passphrase. It returns ErrWrongPassphrase when the passphrase does not
// open it and ErrMalformedKeystore for a file that is not a keystore.
func LoadAccount(path, passphrase string) (*Account, error) {
	data, err := readKeystoreFile(path)
	if err != nil {
		return nil, err
	}
	ks, err := decodeKeystore(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a, err := ks.open(passphrase)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// ReadAddress returns the address a keystore holds the account of,
// without a passphrase.
func ReadAddress(path string) (string, error) {
	data, err := readKeystoreFile(path)
	if err != nil {
		return "", err
	}
	ks, err := decodeKeystore(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return ks.address, nil
}

// sealAccount encrypts a's secret URI into a keystore file.
func sealAccount(a *Account, passphrase string, kdf scryptParams) ([]byte, error) {
	if err := kdf.validate(); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if len(a.uri) > maxSecretLength {
		return nil, fmt.Errorf("identity: secret URI longer than %d bytes", maxSecretLength)
	}
	salt := make([]byte, saltLength)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("identity: keystore salt: %w", err)
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("identity: keystore nonce: %w", err)
	}
	aead, err := keystoreAEAD(passphrase, salt, kdf)
	if err != nil {
		return nil, err
	}
	address := a.Address()
	ct := aead.Seal(nil, nonce, []byte(a.uri), additionalData(address))
	data, err := json.MarshalIndent(keystoreFile{
		Version:    keystoreVersion,
		Address:    address,
		KDF:        keystoreKDF,
		N:          kdf.N,
		R:          kdf.R,
		P:          kdf.P,
		Salt:       hex.EncodeToString(salt),
		Nonce:      hex.EncodeToString(nonce),
		Ciphertext: hex.EncodeToString(ct),
	}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("identity: encode keystore: %w", err)
	}
	return append(data, '\n'), nil
}

// open decrypts the account and checks that it is the one the file names.
func (ks *keystore) open(passphrase string) (*Account, error) {
	aead, err := keystoreAEAD(passphrase, ks.salt, ks.kdf)
	if err != nil {
		return nil, err
	}
	secret, err := aead.Open(nil, ks.nonce, ks.ciphertext, additionalData(ks.address))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	a, err := AccountFromURI(string(secret))
	if err != nil {
		return nil, fmt.Errorf("%w: the secret inside is not an account: %w", ErrMalformedKeystore, err)
	}
	if a.PublicKey() != ks.pub {
		return nil, fmt.Errorf("%w: the secret inside is the account %s, not %s", ErrMalformedKeystore, a.Address(), ks.address)
	}
	return a, nil
}

// keystoreAEAD derives the key and returns the cipher.
func keystoreAEAD(passphrase string, salt []byte, kdf scryptParams) (cipher.AEAD, error) {
	key, err := scrypt.Key([]byte(passphrase), salt, kdf.N, kdf.R, kdf.P, keyLength)
	if err != nil {
		return nil, fmt.Errorf("identity: derive keystore key: %w", err)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("identity: keystore cipher: %w", err)
	}
	return aead, nil
}

// additionalData binds the address (and the format) to the ciphertext.
func additionalData(address string) []byte {
	return []byte("opensky-keystore-v1\x00" + address)
}

// decodeKeystore parses and validates a keystore file: every field must be
// present, known and within bounds.
func decodeKeystore(data []byte) (*keystore, error) {
	if len(data) > maxKeystoreSize {
		return nil, fmt.Errorf("%w: larger than %d KiB", ErrMalformedKeystore, maxKeystoreSize>>10)
	}
	var f keystoreFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKeystore, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrMalformedKeystore)
	}
	if f.Version != keystoreVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrMalformedKeystore, f.Version, keystoreVersion)
	}
	if f.KDF != keystoreKDF {
		return nil, fmt.Errorf("%w: kdf %q, want %q", ErrMalformedKeystore, f.KDF, keystoreKDF)
	}
	ks := &keystore{address: f.Address, kdf: scryptParams{N: f.N, R: f.R, P: f.P}}
	if err := ks.kdf.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKeystore, err)
	}
	var err error
	if ks.pub, err = ParseAddress(f.Address); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedKeystore, err)
	}
	if f.Address != AddressOf(ks.pub) {
		return nil, fmt.Errorf("%w: address %s is not in the Substrate format (prefix %d)", ErrMalformedKeystore, f.Address, SubstratePrefix)
	}
	if ks.salt, err = hexField("salt", f.Salt, 16, 64); err != nil {
		return nil, err
	}
	n := chacha20poly1305.NonceSizeX
	if ks.nonce, err = hexField("nonce", f.Nonce, n, n); err != nil {
		return nil, err
	}
	overhead := chacha20poly1305.Overhead
	if ks.ciphertext, err = hexField("ciphertext", f.Ciphertext, overhead+1, overhead+maxSecretLength); err != nil {
		return nil, err
	}
	return ks, nil
}

// hexField decodes a hex field of min to max bytes.
func hexField(name, s string, minLen, maxLen int) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not hex", ErrMalformedKeystore, name)
	}
	if len(b) < minLen || len(b) > maxLen {
		return nil, fmt.Errorf("%w: %s is %d bytes, want %d to %d", ErrMalformedKeystore, name, len(b), minLen, maxLen)
	}
	return b, nil
}

// readKeystoreFile reads a regular file of at most maxKeystoreSize bytes.
func readKeystoreFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("identity: keystore: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("identity: keystore: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrMalformedKeystore, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeystoreSize+1))
	if err != nil {
		return nil, fmt.Errorf("identity: read keystore %s: %w", path, err)
	}
	if len(data) > maxKeystoreSize {
		return nil, fmt.Errorf("%w: %s is larger than %d KiB", ErrMalformedKeystore, path, maxKeystoreSize>>10)
	}
	return data, nil
}

// writeFileExclusive writes data to path with mode 0600 through a
// temporary file in the same directory, then links it into place, which
// fails rather than replace a file that is already there.
func writeFileExclusive(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("identity: keystore directory: %w", err)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("identity: create keystore: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: keystore mode: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: write keystore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("identity: sync keystore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("identity: close keystore: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%w: %s", ErrExists, path)
		}
		// A file system without hard links: rename, having checked above.
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("identity: install keystore: %w", err)
		}
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
