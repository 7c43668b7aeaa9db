package identity

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	schnorrkel "github.com/ChainSafe/go-schnorrkel"
	bip39 "github.com/cosmos/go-bip39"
	"github.com/decred/base58"
	subkey "github.com/vedhavyas/go-subkey/v2"
	"github.com/vedhavyas/go-subkey/v2/sr25519"
	"golang.org/x/crypto/blake2b"
)

// DevPhrase is the well-known mnemonic of Substrate's development accounts;
// "//Alice" means DevPhrase + "//Alice". Never hold value with it.
const DevPhrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk"

// ErrInvalidURI is returned for a secret URI that is not a valid mnemonic
// or 0x-hex seed followed by an optional derivation path and password.
// The message never repeats the secret.
var ErrInvalidURI = errors.New("identity: invalid secret URI")

// seedLength is the length of an sr25519 mini secret key given as hex.
const seedLength = 32

// Account is an sr25519 key pair derived the way Substrate's subkey and
// polkadot.js derive it, so the same secret gives the same address in a
// Polkadot wallet. Its String form is the address; the secret stays inside.
type Account struct {
	pair subkey.KeyPair
	pub  [32]byte
	// uri is the secret URI the pair was derived from; the keystore
	// encrypts it and nothing else reads it.
	uri string
}

// NewMnemonic returns a fresh 12-word BIP-39 English mnemonic made from
// 128 bits of crypto/rand entropy.
func NewMnemonic() (string, error) {
	entropy := make([]byte, 16)
	if _, err := rand.Read(entropy); err != nil {
		return "", fmt.Errorf("identity: mnemonic entropy: %w", err)
	}
	m, err := bip39.NewMnemonic(entropy)
	if err != nil {
		return "", fmt.Errorf("identity: mnemonic: %w", err)
	}
	return m, nil
}

// DevAccount returns the development account DevPhrase//name, for example
// DevAccount("Alice"), as on every Substrate development chain.
func DevAccount(name string) (*Account, error) {
	return AccountFromURI(DevPhrase + "//" + name)
}

// AccountFromURI derives an account from a secret URI as subkey reads it:
// a mnemonic or a 0x-hex 32-byte seed (the dev phrase when omitted), then
// any number of hard (//x) and soft (/x) junctions, then an optional
// ///password that salts the mnemonic. Examples: "PHRASE", "PHRASE//hard/soft",
// "PHRASE///password", "//Alice", "0x<64 hex digits>//stash". Runs of
// whitespace in the mnemonic count as one space. An empty URI is refused,
// not read as the dev phrase: spell the dev phrase out to mean it.
func AccountFromURI(uri string) (*Account, error) {
	if uri == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidURI)
	}
	phrase, rest := uri, ""
	if i := strings.IndexByte(uri, '/'); i >= 0 {
		phrase, rest = uri[:i], uri[i:]
	}
	phrase = strings.Join(strings.Fields(phrase), " ")
	if err := checkPhrase(phrase); err != nil {
		return nil, err
	}
	pair, err := subkey.DeriveKeyPair(sr25519.Scheme{}, phrase+rest)
	if err != nil {
		// The phrase was checked above, so the path is at fault. The
		// library's message is left out: a path can be part of the secret.
		return nil, fmt.Errorf("%w: malformed derivation path (junctions are /soft or //hard, a password follows ///)", ErrInvalidURI)
	}
	return newAccount(pair, uri)
}

// checkPhrase refuses what subkey would refuse but the library would take:
// a seed without 0x, a seed of another length.
func checkPhrase(phrase string) error {
	if h, ok := strings.CutPrefix(phrase, "0x"); ok {
		b, err := hex.DecodeString(h)
		if err != nil {
			return fmt.Errorf("%w: seed is not hex", ErrInvalidURI)
		}
		if len(b) != seedLength {
			return fmt.Errorf("%w: seed is %d bytes, want %d", ErrInvalidURI, len(b), seedLength)
		}
		return nil
	}
	if phrase == "" {
		return nil // the dev phrase, as in "//Alice"
	}
	if _, err := hex.DecodeString(phrase); err == nil {
		return fmt.Errorf("%w: not a mnemonic, and a hex seed must start with 0x", ErrInvalidURI)
	}
	if _, err := bip39.MnemonicToByteArray(phrase); err != nil {
		// The error can name a word of the secret: leave it out.
		return fmt.Errorf("%w: not a valid BIP-39 English mnemonic (a word is misspelt, missing or out of order)", ErrInvalidURI)
	}
	return nil
}

// newAccount wraps a derived pair.
func newAccount(pair subkey.KeyPair, uri string) (*Account, error) {
	a := &Account{pair: pair, uri: uri}
	if n := copy(a.pub[:], pair.Public()); n != len(a.pub) {
		return nil, fmt.Errorf("identity: public key is %d bytes, want 32", n)
	}
	return a, nil
}

// Address returns the account's SS58 address in the generic Substrate
// format (network prefix 42), which starts with 5.
func (a *Account) Address() string {
	return AddressOf(a.pub)
}

// PublicKey returns the 32-byte sr25519 public key, which is also the
// account ID on Substrate chains.
func (a *Account) PublicKey() [32]byte {
	return a.pub
}

// Sign returns a 64-byte sr25519 signature of msg in the "substrate"
// signing context, which Verify, subkey and polkadot.js accept.
// Signatures are randomized: signing twice gives two valid signatures.
func (a *Account) Sign(msg []byte) ([]byte, error) {
	sig, err := a.pair.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("identity: sign: %w", err)
	}
	return sig, nil
}

// String returns the address, so that printing an account never prints
// its secret.
func (a *Account) String() string {
	return a.Address()
}

// GoString returns the address too, for %#v.
func (a *Account) GoString() string {
	return "identity.Account(" + a.Address() + ")"
}

// SS58 network prefixes that ParseAddress accepts.
const (
	// SubstratePrefix is the generic Substrate format; addresses start
	// with 5. Address and AddressOf use it.
	SubstratePrefix = 42
	// PolkadotPrefix is the Polkadot relay chain's format; addresses
	// start with 1.
	PolkadotPrefix = 0
)

// ErrInvalidAddress is returned for a string that is not the SS58 address
// of a 32-byte account in the Substrate or Polkadot format.
var ErrInvalidAddress = errors.New("identity: invalid address")

// maxAddressLen bounds the input of ParseAddress; base58 decoding takes
// time quadratic in the length. A 32-byte account is 47 or 48 characters.
const maxAddressLen = 64

// ss58Len is the decoded length of an address with a one-byte prefix:
// prefix, 32-byte public key, 2-byte checksum.
const ss58Len = 1 + 32 + 2

// AddressOf returns the SS58 address of an sr25519 public key in the
// generic Substrate format (prefix 42).
func AddressOf(pub [32]byte) string {
	return subkey.SS58Encode(pub[:], SubstratePrefix)
}

// PolkadotAddressOf returns the address of a public key in the Polkadot
// relay chain's format (prefix 0), the form Polkadot wallets show.
func PolkadotAddressOf(pub [32]byte) string {
	return subkey.SS58Encode(pub[:], PolkadotPrefix)
}

// CanonicalAddress returns an address in the generic Substrate format,
// the one form the OpenSky chain keys accounts by, whichever of the two
// accepted formats it was written in.
func CanonicalAddress(ss58 string) (string, error) {
	pub, err := ParseAddress(ss58)
	if err != nil {
		return "", err
	}
	return AddressOf(pub), nil
}

// ParseAddress returns the public key (the account ID) an SS58 address
// encodes. It accepts the Substrate (42) and Polkadot (0) formats of a
// 32-byte account and refuses, with ErrInvalidAddress, any other prefix,
// length, character or a wrong checksum.
func ParseAddress(ss58 string) ([32]byte, error) {
	pub, _, err := parseAddress(ss58)
	return pub, err
}

// parseAddress is ParseAddress that also returns the prefix.
func parseAddress(ss58 string) (pub [32]byte, prefix uint16, err error) {
	if ss58 == "" {
		return pub, 0, fmt.Errorf("%w: empty", ErrInvalidAddress)
	}
	if len(ss58) > maxAddressLen {
		return pub, 0, fmt.Errorf("%w: %d characters, want at most %d", ErrInvalidAddress, len(ss58), maxAddressLen)
	}
	data := base58.Decode(ss58)
	if len(data) == 0 {
		return pub, 0, fmt.Errorf("%w: not base58", ErrInvalidAddress)
	}
	if data[0] >= 64 {
		return pub, 0, fmt.Errorf("%w: two-byte network prefix; want the Substrate (42) or Polkadot (0) format", ErrInvalidAddress)
	}
	if len(data) != ss58Len {
		return pub, 0, fmt.Errorf("%w: decodes to %d bytes, want %d", ErrInvalidAddress, len(data), ss58Len)
	}
	prefix = uint16(data[0])
	if prefix != SubstratePrefix && prefix != PolkadotPrefix {
		return pub, 0, fmt.Errorf("%w: network prefix %d; want the Substrate (42) or Polkadot (0) format", ErrInvalidAddress, prefix)
	}
	sum := ss58Checksum(data[:ss58Len-2])
	if data[ss58Len-2] != sum[0] || data[ss58Len-1] != sum[1] {
		return pub, 0, fmt.Errorf("%w: bad checksum (a character is mistyped)", ErrInvalidAddress)
	}
	copy(pub[:], data[1:33])
	return pub, prefix, nil
}

// ss58Checksum returns the first two bytes of
// BLAKE2b-512("SS58PRE" || body), the SS58 checksum.
func ss58Checksum(body []byte) [2]byte {
	h := blake2b.Sum512(append([]byte("SS58PRE"), body...))
	return [2]byte{h[0], h[1]}
}

// Verify reports whether sig is a valid sr25519 signature of msg by the
// key pub in the "substrate" signing context, as Account.Sign, subkey and
// polkadot.js make. A malformed key or signature is simply invalid.
func Verify(pub [32]byte, msg, sig []byte) bool {
	if len(sig) != schnorrkel.SignatureSize {
		return false
	}
	pk, err := schnorrkel.NewPublicKey(pub)
	if err != nil {
		return false
	}
	var s schnorrkel.Signature
	if err := s.Decode([schnorrkel.SignatureSize]byte(sig)); err != nil {
		return false
	}
	ok, err := pk.Verify(&s, schnorrkel.NewSigningContext(signingContext, msg))
	return err == nil && ok
}

// signingContext is the context Substrate signs in.
var signingContext = []byte("substrate")
