package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/gtank/ristretto255"
)

// basePoint is the ristretto255 generator B; Agree(B) is s·B, the public
// key, which ties the scalar Agree uses to the account.
func basePoint() [32]byte {
	var b [32]byte
	ristretto255.NewElement().Base().Encode(b[:0])
	return b
}

func TestAgreeScalarMatchesPublicKey(t *testing.T) {
	m, err := NewMnemonic()
	if err != nil {
		t.Fatal(err)
	}
	uris := []string{
		"//Alice",
		"//Bob",
		DevPhrase,
		m,
		m + "//hard/soft",
		m + "/soft//hard/7",
		"//Alice/soft",
		"//Alice//stash/0",
		"//Alice///password",
		cautionPhrase + "/soft///pass word",
		"0x" + strings.Repeat("ab", 32) + "/soft",
		"0x" + strings.Repeat("ab", 32) + "//" + strings.Repeat("long", 20) + "/" + strings.Repeat("x", 70),
		"  " + abandonPhrase + "  //x/y",
	}
	for _, uri := range uris {
		a, err := AccountFromURI(uri)
		if err != nil {
			t.Fatalf("uri %d: %v", len(uri), err)
		}
		got, err := a.Agree(basePoint())
		if err != nil {
			t.Fatalf("%s: Agree(B): %v", a, err)
		}
		if got != a.PublicKey() {
			t.Fatalf("%s: s·B = %x, want the public key %x", a, got, a.PublicKey())
		}
		// The URI path agrees with the seed path wherever both apply.
		sk, err := secretFromURI(uri)
		if err != nil {
			t.Fatalf("%s: secretFromURI: %v", a, err)
		}
		want, err := a.secretKey()
		if err != nil {
			t.Fatal(err)
		}
		if sk.Encode() != want.Encode() {
			t.Fatalf("%s: the URI and the pair give different secrets", a)
		}
	}
}

func TestAgreeIsSymmetric(t *testing.T) {
	alice, err := DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := AccountFromURI("//Bob/soft")
	if err != nil {
		t.Fatal(err)
	}
	ab, err := alice.Agree(bob.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	ba, err := bob.Agree(alice.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if ab != ba {
		t.Fatalf("Alice·Bob = %x, Bob·Alice = %x", ab, ba)
	}
	self, err := alice.Agree(alice.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if self == ab || ab == alice.PublicKey() || ab == bob.PublicKey() {
		t.Fatal("shared point equals a public key or another pair's point")
	}
}

func TestAgreeRefusesBadPeers(t *testing.T) {
	alice, err := DevAccount("Alice")
	if err != nil {
		t.Fatal(err)
	}
	var nonCanonical [32]byte
	for i := range nonCanonical {
		nonCanonical[i] = 0xff
	}
	var negative [32]byte // odd encodings are not canonical
	negative[0] = 1
	for name, peer := range map[string][32]byte{
		"identity":      {},
		"non-canonical": nonCanonical,
		"negative":      negative,
	} {
		out, err := alice.Agree(peer)
		if !errors.Is(err, ErrInvalidPeer) {
			t.Errorf("%s: err = %v, want ErrInvalidPeer", name, err)
		}
		if out != ([32]byte{}) {
			t.Errorf("%s: returned a point with the error", name)
		}
	}
}

func TestAgreeErrorsDoNotLeakSecret(t *testing.T) {
	// An account whose pair and URI disagree: the check against the public
	// key refuses it, and the message names neither secret.
	a, err := AccountFromURI("//Alice/soft")
	if err != nil {
		t.Fatal(err)
	}
	a.uri = "//Bob/soft"
	_, err = a.Agree(basePoint())
	if err == nil {
		t.Fatal("Agree succeeded with a secret that does not match the public key")
	}
	if strings.Contains(err.Error(), "Bob") || strings.Contains(err.Error(), "soft") {
		t.Fatalf("error repeats the secret URI: %v", err)
	}
}
