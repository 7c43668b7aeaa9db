package identity

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/decred/base58"
	subkey "github.com/vedhavyas/go-subkey/v2"
)

// Published vectors: sp-core's sr25519 tests (polkadot-sdk
// substrate/primitives/core/src/sr25519.rs), `subkey inspect` output in the
// Substrate docs, and accounts every Substrate development chain has.
// The password and //0 rows were computed by polkadot.js
// (Keyring.addFromUri) and substrate-interface, which agree.
const (
	aliceAddress    = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	alicePublic     = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
	alicePolkadot   = "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
	aliceKusama     = "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
	cautionPhrase   = "caution juice atom organ advance problem want pledge someone senior holiday very"
	abandonPhrase   = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
	bobAddress      = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	devRootAddress  = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV"
	cautionAddress  = "5Gv8YYFu8H1btvmrJy9FjjAWfb99wrhV3uhPFoNEr918utyR"
	cautionPublicHx = "d6a3105d6768e956e9e5d41050ac29843f98561410d3a47f9dd5b3b227ab8746"
)

func TestAccountFromURIVectors(t *testing.T) {
	for _, tc := range []struct {
		uri, address, public string
	}{
		{uri: DevPhrase, address: devRootAddress, public: "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"},
		{uri: "//Alice", address: aliceAddress, public: alicePublic},
		{uri: DevPhrase + "//Alice", address: aliceAddress, public: alicePublic},
		{uri: "//Bob", address: bobAddress, public: "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48"},
		{uri: "//Alice//stash", address: "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY", public: "be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f"},
		// sp-core derive_soft_known_pair_should_work.
		{uri: DevPhrase + "/Alice", address: "5GvKEoc787uDV8etY1AM8vF385edu2iyqD1WfCjDugzLUiAL", public: "d6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e"},
		// subkey's documented example, by phrase and by its secret seed.
		{uri: cautionPhrase, address: cautionAddress, public: cautionPublicHx},
		{uri: "0xc8fa03532fb22ee1f7f6908b9c02b4e72483f0dbd66e4cd456b8f34c6230b849", address: cautionAddress, public: cautionPublicHx},
		// Alice's secret seed as `subkey inspect //Alice` prints it.
		{uri: "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a", address: aliceAddress, public: alicePublic},
		// sp-core sr_test_vector_should_work: a mini secret in Ed25519 expansion mode.
		{uri: "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", public: "44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f"},
		// The password salts the mnemonic (polkadot.js mnemonicToMiniSecret(phrase, "TREZOR")).
		{uri: abandonPhrase, address: "5EPCUjPxiHAcNooYipQFWr9NmmXJKpNG5RhcntXwbtUySrgH", public: "66933bd1f37070ef87bd1198af3dacceb095237f803f3d32b173e6b425ed7972"},
		{uri: abandonPhrase + "///TREZOR", address: "5GHRV8fpuNjWCxfoRjCBc1BqY33ddAHs9DVdkhwccAjY71pN", public: "baa4036a6b212012c67b91fd47c2e3e64b65bbd538969544c71b2f905227374c"},
		{uri: abandonPhrase + "//0", address: "5DvaFrBesD6jTWd3GEefcM72BSXaFRHqQuZtwBSZii1VMnuP", public: "5244eb2b8a9f975c603485c5a76eeec41fdad88aa6ef204b7c56691940ad1671"},
		// Extra spaces in the phrase do not change the account.
		{uri: "  bottom drive  obey lake curtain smoke basket hold race lonely fit walk //Alice", address: aliceAddress, public: alicePublic},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			a, err := AccountFromURI(tc.uri)
			if err != nil {
				t.Fatal(err)
			}
			pub := a.PublicKey()
			if got := hex.EncodeToString(pub[:]); got != tc.public {
				t.Errorf("public key %s, want %s", got, tc.public)
			}
			if tc.address != "" && a.Address() != tc.address {
				t.Errorf("address %s, want %s", a.Address(), tc.address)
			}
			if a.Address() != AddressOf(pub) {
				t.Errorf("Address %s differs from AddressOf %s", a.Address(), AddressOf(pub))
			}
			if a.uri != tc.uri {
				t.Error("the account does not keep its secret URI")
			}
		})
	}
}

func TestDevAccount(t *testing.T) {
	for name, want := range map[string]string{"Alice": aliceAddress, "Bob": bobAddress} {
		a, err := DevAccount(name)
		if err != nil {
			t.Fatal(err)
		}
		if a.Address() != want {
			t.Errorf("DevAccount(%q) = %s, want %s", name, a.Address(), want)
		}
	}
}

func TestAccountFromURIRejects(t *testing.T) {
	words := strings.Fields(cautionPhrase)
	words[0], words[1] = words[1], words[0]
	for name, uri := range map[string]string{
		"empty":            "",
		"bad checksum":     strings.Join(words, " "),
		"unknown word":     strings.Replace(cautionPhrase, "caution", "cautious", 1),
		"eleven words":     strings.Join(strings.Fields(cautionPhrase)[:11], " "),
		"seed without 0x":  "c8fa03532fb22ee1f7f6908b9c02b4e72483f0dbd66e4cd456b8f34c6230b849",
		"short seed":       "0xc8fa03532fb22ee1f7f6908b9c02b4e7",
		"64-byte seed":     "0x" + strings.Repeat("ab", 64),
		"seed not hex":     "0xzz",
		"empty junction":   DevPhrase + "//",
		"uppercase phrase": strings.ToUpper(DevPhrase),
		"punctuation":      DevPhrase + ".",
		"trailing slash":   DevPhrase + "//Alice/",
	} {
		t.Run(name, func(t *testing.T) {
			a, err := AccountFromURI(uri)
			if !errors.Is(err, ErrInvalidURI) {
				t.Fatalf("AccountFromURI = %v, %v; want ErrInvalidURI", a, err)
			}
			for _, w := range []string{"caution", "cautious", "juice", "c8fa03", "pw"} {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q repeats the secret", err)
				}
			}
		})
	}
}

func TestNewMnemonic(t *testing.T) {
	seen := map[string]bool{}
	for range 8 {
		m, err := NewMnemonic()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(strings.Fields(m)); n != 12 {
			t.Fatalf("mnemonic has %d words, want 12", n)
		}
		if seen[m] {
			t.Fatal("the same mnemonic twice")
		}
		seen[m] = true
		if _, err := AccountFromURI(m); err != nil {
			t.Fatalf("a new mnemonic does not make an account: %v", err)
		}
	}
}

func TestAccountDoesNotPrintItsSecret(t *testing.T) {
	a, err := AccountFromURI(cautionPhrase)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, a)
		if strings.Contains(out, "caution") || !strings.Contains(out, cautionAddress) {
			t.Errorf("%s printed %q", verb, out)
		}
	}
}

func TestSignVerify(t *testing.T) {
	a, err := DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("lock 5 USD for job-1")
	sig, err := a.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 64 {
		t.Fatalf("signature is %d bytes, want 64", len(sig))
	}
	if !Verify(a.PublicKey(), msg, sig) {
		t.Fatal("a fresh signature does not verify")
	}
	bob, err := DevAccount("Bob")
	if err != nil {
		t.Fatal(err)
	}
	if Verify(bob.PublicKey(), msg, sig) {
		t.Error("Alice's signature verifies under Bob's key")
	}
	if Verify(a.PublicKey(), []byte("lock 6 USD for job-1"), sig) {
		t.Error("a signature verifies for another message")
	}
	for i := range sig {
		bad := append([]byte(nil), sig...)
		bad[i] ^= 0x01
		if Verify(a.PublicKey(), msg, bad) {
			t.Fatalf("a signature with byte %d flipped verifies", i)
		}
	}
	for _, bad := range [][]byte{nil, sig[:63], append(append([]byte(nil), sig...), 0)} {
		if Verify(a.PublicKey(), msg, bad) {
			t.Errorf("a %d-byte signature verifies", len(bad))
		}
	}
	var zero [32]byte
	if Verify(zero, msg, sig) {
		t.Error("a signature verifies under the zero key")
	}
}

// TestVerifyForeignSignatures checks signatures other implementations made.
func TestVerifyForeignSignatures(t *testing.T) {
	for _, tc := range []struct {
		name, pub, msg, sig string
	}{{
		// go-subkey's test vector: Alice signs 0xDEADBEEF.
		name: "alice deadbeef",
		pub:  alicePublic,
		msg:  "deadbeef",
		sig:  "dc7cf771e1989a5c3cddca30ec5efaeff9a5c14a36c3c032510019e7144e0375f9207ef6745390ca3dc76b307b26f60125c942e2b7fb23100cc79402a12dde8b",
	}, {
		// A transfer payload signed and verified by polkadot.js.
		name: "polkadot.js payload",
		pub:  "66933bd1f37070ef87bd1198af3dacceb095237f803f3d32b173e6b425ed7972",
		msg:  "0503005244eb2b8a9f975c603485c5a76eeec41fdad88aa6ef204b7c56691940ad167102093d0045001c1400d6010000010000002f0555cc76fc2840a25a6ea3b9637146806f1f44b090c175ffde2a7e5ab36c030648bc120c2cd5d818f442481dc500adfce8fdd57afc448181362623f129429f00",
		sig:  "f0ce803151838122782b9e25ddafc6336b9150d05f634620584c80d61126ca2daf3e508d71acffb5da16b99a30b35edc4b93a03c491be1a89b1f4898f11c6b87",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pub, msg, sig := mustHex(t, tc.pub), mustHex(t, tc.msg), mustHex(t, tc.sig)
			if !Verify([32]byte(pub), msg, sig) {
				t.Fatal("does not verify")
			}
			msg[0] ^= 1
			if Verify([32]byte(pub), msg, sig) {
				t.Fatal("verifies a changed message")
			}
		})
	}
}

func TestParseAddress(t *testing.T) {
	want := [32]byte(mustHex(t, alicePublic))
	for _, addr := range []string{aliceAddress, alicePolkadot} {
		pub, err := ParseAddress(addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		if pub != want {
			t.Errorf("%s decodes to %x, want %x", addr, pub, want)
		}
	}
	if got := AddressOf(want); got != aliceAddress {
		t.Errorf("AddressOf = %s, want %s", got, aliceAddress)
	}
	for range 16 {
		m, err := NewMnemonic()
		if err != nil {
			t.Fatal(err)
		}
		a, err := AccountFromURI(m)
		if err != nil {
			t.Fatal(err)
		}
		pub, err := ParseAddress(a.Address())
		if err != nil || pub != a.PublicKey() {
			t.Fatalf("round trip of %s: %x, %v", a.Address(), pub, err)
		}
	}
}

func TestParseAddressRejects(t *testing.T) {
	// Change one character of Alice's address: the checksum catches it.
	typo := []byte(aliceAddress)
	typo[10] = 'z'
	raw := base58.Decode(aliceAddress)
	short := base58.Encode(raw[:len(raw)-1])
	long := base58.Encode(append(append([]byte(nil), raw...), 0))
	flipped := append([]byte(nil), raw...)
	flipped[len(flipped)-1] ^= 1
	prefix7 := append([]byte{7}, raw[1:]...)
	sum := ss58Checksum(prefix7[:33])
	copy(prefix7[33:], sum[:])
	for name, addr := range map[string]string{
		"empty":          "",
		"typo":           string(typo),
		"bad checksum":   base58.Encode(flipped),
		"short":          short,
		"long":           long,
		"not base58":     "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ0",
		"kusama":         aliceKusama,
		"other prefix":   base58.Encode(prefix7),
		"two-byte":       subkey.SS58Encode(raw[1:33], 1284),
		"hex public key": "0x" + alicePublic,
		"too long":       strings.Repeat("5", 65),
		"spaces":         " " + aliceAddress,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseAddress(addr); !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("ParseAddress(%q) = %v, want ErrInvalidAddress", addr, err)
			}
		})
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{aliceAddress, alicePolkadot, aliceKusama, bobAddress, "", "1", "5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pub, prefix, err := parseAddress(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("error %v is not ErrInvalidAddress", err)
			}
			return
		}
		if prefix != SubstratePrefix && prefix != PolkadotPrefix {
			t.Fatalf("accepted prefix %d", prefix)
		}
		// Base58 is one-to-one, so a valid address has one spelling.
		body := append([]byte{byte(prefix)}, pub[:]...)
		sum := ss58Checksum(body)
		if enc := base58.Encode(append(body, sum[:]...)); enc != s {
			t.Fatalf("%q parsed, but re-encodes as %q", s, enc)
		}
		back, err := ParseAddress(AddressOf(pub))
		if err != nil || back != pub {
			t.Fatalf("AddressOf does not round trip: %x, %v", back, err)
		}
	})
}

func BenchmarkSign(b *testing.B) {
	a, err := DevAccount("Alice")
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 256)
	for b.Loop() {
		if _, err := a.Sign(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	a, err := DevAccount("Alice")
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 256)
	sig, err := a.Sign(msg)
	if err != nil {
		b.Fatal(err)
	}
	pub := a.PublicKey()
	for b.Loop() {
		if !Verify(pub, msg, sig) {
			b.Fatal("does not verify")
		}
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
