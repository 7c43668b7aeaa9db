package identity

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	"github.com/gtank/merlin"
	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/blake2b"
)

// ErrInvalidPeer is returned by Agree for a peer key that is not the
// canonical encoding of a ristretto255 point, or is the identity point.
var ErrInvalidPeer = errors.New("identity: invalid peer public key")

// Agree returns the ristretto255 Diffie-Hellman point of the account's
// sr25519 secret scalar and a peer's public key, compressed to 32 bytes:
// s·P where the account's public key is s·B. The peer key is an sr25519
// public key or any other compressed ristretto255 point; one that does
// not decode, or the identity, gives ErrInvalidPeer. Both sides of an
// exchange compute the same point, which a caller feeds to a KDF; it is
// never a key by itself.
func (a *Account) Agree(peer [32]byte) ([32]byte, error) {
	var out [32]byte
	p := ristretto255.NewElement()
	if err := p.Decode(peer[:]); err != nil {
		return out, fmt.Errorf("%w: not a canonical ristretto255 point", ErrInvalidPeer)
	}
	if p.Equal(ristretto255.NewElement().Zero()) == 1 {
		return out, fmt.Errorf("%w: identity point", ErrInvalidPeer)
	}
	s, err := a.secretScalar()
	if err != nil {
		return out, err
	}
	ristretto255.NewElement().ScalarMult(s, p).Encode(out[:0])
	return out, nil
}

// secretScalar returns the account's secret scalar s, checked against
// its public key (s·B must be the public key).
func (a *Account) secretScalar() (*ristretto255.Scalar, error) {
	sk, err := a.secretKey()
	if err != nil {
		return nil, err
	}
	enc := sk.Encode()
	s := ristretto255.NewScalar()
	if err := s.Decode(enc[:]); err != nil {
		return nil, errors.New("identity: account secret is not a canonical scalar")
	}
	var pub [32]byte
	ristretto255.NewElement().ScalarBaseMult(s).Encode(pub[:0])
	if pub != a.pub {
		return nil, errors.New("identity: account secret does not match its public key")
	}
	return s, nil
}

// secretKey returns the account's expanded sr25519 secret. The key pair
// does not expose it, so it is derived again: from the pair's mini secret
// when the path had only hard junctions (the pair keeps that seed), else
// from the secret URI.
func (a *Account) secretKey() (*schnorrkel.SecretKey, error) {
	if seed := a.pair.Seed(); len(seed) == schnorrkel.MiniSecretKeySize {
		mini, err := schnorrkel.NewMiniSecretKeyFromRaw([32]byte(seed))
		if err != nil {
			return nil, errors.New("identity: account seed is not a mini secret key")
		}
		return mini.ExpandEd25519(), nil
	}
	return secretFromURI(a.uri)
}

// junctionPattern matches one junction of a derivation path: "/x" soft,
// "//x" hard (the submatch keeps the second slash).
var junctionPattern = regexp.MustCompile(`/(/?[^/]+)`)

// secretFromURI derives the expanded secret of a secret URI the way
// AccountFromURI's key pair derives it. The URI was accepted by
// AccountFromURI, so only internal failures are reported, and no message
// repeats any part of it.
func secretFromURI(uri string) (*schnorrkel.SecretKey, error) {
	phrase, rest := uri, ""
	if i := strings.IndexByte(uri, '/'); i >= 0 {
		phrase, rest = uri[:i], uri[i:]
	}
	phrase = strings.Join(strings.Fields(phrase), " ")
	if phrase == "" {
		phrase = DevPhrase
	}
	// A junction is never empty, so the first "///" starts the password.
	path, password, _ := strings.Cut(rest, "///")

	var mini *schnorrkel.MiniSecretKey
	var err error
	if h, ok := strings.CutPrefix(phrase, "0x"); ok {
		var seed []byte
		seed, err = hex.DecodeString(h)
		if err == nil && len(seed) != schnorrkel.MiniSecretKeySize {
			err = errors.New("seed length")
		}
		if err == nil {
			mini, err = schnorrkel.NewMiniSecretKeyFromRaw([32]byte(seed))
		}
	} else {
		mini, err = schnorrkel.MiniSecretKeyFromMnemonic(phrase, password)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: cannot derive the account secret again", ErrInvalidURI)
	}
	secret := mini.ExpandEd25519()
	for _, m := range junctionPattern.FindAllStringSubmatch(path, -1) {
		code, hard := strings.CutPrefix(m[1], "/")
		cc := chainCode(code)
		if hard {
			secret = hardDerive(secret, cc)
			continue
		}
		t := merlin.NewTranscript("SchnorrRistrettoHDKD")
		t.AppendMessage([]byte("sign-bytes"), nil)
		ek, err := secret.DeriveKey(t, cc)
		if err != nil {
			return nil, fmt.Errorf("identity: soft derivation: %w", err)
		}
		if secret, err = ek.Secret(); err != nil {
			return nil, fmt.Errorf("identity: soft derivation: %w", err)
		}
	}
	return secret, nil
}

// hardDerive is a hard junction as Substrate's sr25519 key pairs take it:
// a new mini secret drawn from a transcript of the chain code and the
// parent's secret scalar, then expanded.
func hardDerive(parent *schnorrkel.SecretKey, cc [32]byte) *schnorrkel.SecretKey {
	t := merlin.NewTranscript("SchnorrRistrettoHDKD")
	t.AppendMessage([]byte("sign-bytes"), nil)
	t.AppendMessage([]byte("chain-code"), cc[:])
	s := parent.Encode()
	t.AppendMessage([]byte("secret-key"), s[:])
	var raw [schnorrkel.MiniSecretKeySize]byte
	copy(raw[:], t.ExtractBytes([]byte("HDKD-hard"), len(raw)))
	mini, _ := schnorrkel.NewMiniSecretKeyFromRaw(raw) // never fails: any 32 bytes are a mini secret
	return mini.ExpandEd25519()
}

// chainCode is a junction's 32-byte chain code: a decimal number as a
// little-endian uint64, any other text SCALE-encoded (compact length,
// then the bytes), hashed with BLAKE2b-256 when longer than 32 bytes.
func chainCode(code string) [32]byte {
	var b []byte
	if n, err := strconv.ParseUint(code, 10, 64); err == nil {
		b = binary.LittleEndian.AppendUint64(nil, n)
	} else {
		b = append(compactLength(len(code)), code...)
	}
	var cc [32]byte
	if len(b) > len(cc) {
		cc = blake2b.Sum256(b)
		return cc
	}
	copy(cc[:], b)
	return cc
}

// compactLength is the SCALE compact encoding of a length below 2^30,
// which every junction of a URI that fits the keystore's bound is.
func compactLength(n int) []byte {
	switch {
	case n < 1<<6:
		return []byte{byte(n) << 2}
	case n < 1<<14:
		return binary.LittleEndian.AppendUint16(nil, uint16(n)<<2|1)
	default:
		return binary.LittleEndian.AppendUint32(nil, uint32(n)<<2|2)
	}
}
