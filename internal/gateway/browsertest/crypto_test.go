package browsertest

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gtank/ristretto255"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// The upload and object pages seal, wrap and open objects in the browser
// with the scripts under internal/gateway/ui/static: these tests run that
// code in chromium against the Go code it must agree with, byte for byte.

// cryptoPage opens the upload page, which loads every script of the
// browser's cryptography, and waits for them.
func cryptoPage(t *testing.T) *page {
	t.Helper()
	n := freeNet(t)
	p := newPage(t, n.URL)
	p.open("/storage/new")
	p.waitUntil("the sealing scripts", `!!(window.OpenSky && OpenSky.seal && OpenSky.ristretto255 && OpenSky.chacha20poly1305 && OpenSky.seal.available())`, actionTimeout)
	return p
}

// evalAsync evaluates a JavaScript expression that yields a promise and
// returns what it resolves to.
func evalAsync[T any](p *page, expr string) T {
	p.t.Helper()
	return run(p, "evaluate", chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// jsBytes is a JavaScript expression for b.
func jsBytes(b []byte) string {
	return `Uint8Array.from(` + strconv.Quote(hex.EncodeToString(b)) + `.match(/../g) || [], h => parseInt(h, 16))`
}

// jsHex is a JavaScript function expression that writes bytes in hex.
const jsHex = `(b => Array.from(b, x => x.toString(16).padStart(2, "0")).join(""))`

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBrowserChaCha20Poly1305: the page's ChaCha20-Poly1305 gives
// RFC 8439's test vector and golang.org/x/crypto's output for random
// inputs of every length around the block sizes, opens what Go sealed and
// refuses it altered.
func TestBrowserChaCha20Poly1305(t *testing.T) {
	p := cryptoPage(t)
	seal := func(key, nonce, msg, aad []byte) string {
		t.Helper()
		return eval[string](p, jsHex+`(OpenSky.chacha20poly1305.seal(`+jsBytes(key)+`, `+jsBytes(nonce)+`, `+jsBytes(msg)+`, `+jsBytes(aad)+`))`)
	}

	// RFC 8439, 2.8.2.
	key, _ := hex.DecodeString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
	nonce, _ := hex.DecodeString("070000004041424344454647")
	aad, _ := hex.DecodeString("50515253c0c1c2c3c4c5c6c7")
	msg := []byte("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
	got := seal(key, nonce, msg, aad)
	if !strings.HasPrefix(got, "d31a8d34648e60db7b86afbc53ef7ec2") || !strings.HasSuffix(got, "1ae10b594f09e26a7e902ecbd0600691") {
		t.Errorf("RFC 8439 2.8.2: %s", got)
	}

	for _, n := range []int{0, 1, 15, 16, 17, 32, 63, 64, 65, 127, 128, 129, 300, 1000} {
		key, nonce, msg, aad := random(t, 32), random(t, 12), random(t, n), random(t, n%23)
		c, err := chacha20poly1305.New(key)
		if err != nil {
			t.Fatal(err)
		}
		want := c.Seal(nil, nonce, msg, aad)
		if got := seal(key, nonce, msg, aad); got != hex.EncodeToString(want) {
			t.Errorf("%d bytes: the page sealed\n%s\nGo\n%x", n, got, want)
		}
		open := func(sealed []byte) string {
			return eval[string](p, `(r => r === null ? "refused" : `+jsHex+`(r))(OpenSky.chacha20poly1305.open(`+jsBytes(key)+`, `+jsBytes(nonce)+`, `+jsBytes(sealed)+`, `+jsBytes(aad)+`))`)
		}
		if got := open(want); got != hex.EncodeToString(msg) {
			t.Errorf("%d bytes: the page opened Go's sealed message to %s", n, got)
		}
		bad := bytes.Clone(want)
		bad[len(bad)/2] ^= 0x40
		if got := open(bad); got != "refused" {
			t.Errorf("%d bytes: the page opened an altered message to %s", n, got)
		}
	}
}

// TestBrowserRistretto255: the page's ristretto255 reduces uniform bytes
// to the same scalars, multiplies the generator and decoded points to
// the same elements, and accepts and refuses the same encodings as
// github.com/gtank/ristretto255.
func TestBrowserRistretto255(t *testing.T) {
	p := cryptoPage(t)
	for i := range 8 {
		u, v := random(t, 64), random(t, 64)
		k := ristretto255.NewScalar().FromUniformBytes(u)
		pt := ristretto255.NewElement().ScalarBaseMult(ristretto255.NewScalar().FromUniformBytes(v))
		wantBase := ristretto255.NewElement().ScalarBaseMult(k).Encode(nil)
		wantMul := ristretto255.NewElement().ScalarMult(k, pt).Encode(nil)
		got := eval[[]string](p, `(r => { const k = r.scalarFromUniform(`+jsBytes(u)+`);
			const pt = r.decode(`+jsBytes(pt.Encode(nil))+`);
			return [`+jsHex+`(r.encode(r.scalarMult(k, r.base))), pt === null ? "refused" : `+jsHex+`(r.encode(r.scalarMult(k, pt)))]; })(OpenSky.ristretto255)`)
		if got[0] != hex.EncodeToString(wantBase) {
			t.Errorf("%d: k·B is %s in the page, %x in Go", i, got[0], wantBase)
		}
		if got[1] != hex.EncodeToString(wantMul) {
			t.Errorf("%d: k·P is %s in the page, %x in Go", i, got[1], wantMul)
		}
	}
	// Random and edge encodings: both accept or both refuse, and an
	// accepted one encodes back to itself.
	cases := [][]byte{make([]byte, 32), bytes.Repeat([]byte{0xff}, 32)}
	one := make([]byte, 32)
	one[0] = 1 // negative: refused
	cases = append(cases, one)
	for range 40 {
		cases = append(cases, random(t, 32))
	}
	for range 8 { // valid ones
		cases = append(cases, ristretto255.NewElement().ScalarBaseMult(ristretto255.NewScalar().FromUniformBytes(random(t, 64))).Encode(nil))
	}
	accepted := 0
	for _, enc := range cases {
		goOK := ristretto255.NewElement().Decode(enc) == nil
		got := eval[string](p, `(pt => pt === null ? "refused" : `+jsHex+`(OpenSky.ristretto255.encode(pt)))(OpenSky.ristretto255.decode(`+jsBytes(enc)+`))`)
		switch {
		case goOK && got != hex.EncodeToString(enc):
			t.Errorf("%x: Go decodes it, the page gives %s", enc, got)
		case !goOK && got != "refused":
			t.Errorf("%x: Go refuses it, the page decodes it to %s", enc, got)
		}
		if goOK {
			accepted++
		}
	}
	if accepted < 9 {
		t.Errorf("only %d encodings were valid: the cases test little", accepted)
	}
}

// TestBrowserWrapKey: keys the page wraps to an account open with
// seal.UnwrapKey and that account's key, and with no other.
func TestBrowserWrapKey(t *testing.T) {
	p := cryptoPage(t)
	owner, other := browserAccount(t), devAccount(t, "//BrowserTestsOther")
	pub := owner.PublicKey()
	for i := range 6 {
		key := random(t, 32)
		wrapped := evalAsync[string](p, `OpenSky.seal.wrapKey(`+jsBytes(pub[:])+`, `+jsBytes(key)+`).then(`+jsHex+`)`)
		raw, err := hex.DecodeString(wrapped)
		if err != nil || len(raw) != seal.WrappedKeySize {
			t.Fatalf("%d: the page wrapped %q", i, wrapped)
		}
		got, err := seal.UnwrapKey(owner, raw)
		if err != nil || !bytes.Equal(got[:], key) {
			t.Fatalf("%d: seal.UnwrapKey of the page's wrap: %x, %v; want %x", i, got[:], err, key)
		}
		if _, err := seal.UnwrapKey(other, raw); err == nil {
			t.Fatalf("%d: another account unwrapped the page's wrap", i)
		}
	}
	// An owner key that is no account key is refused.
	msg := evalAsync[string](p, `OpenSky.seal.wrapKey(new Uint8Array(32), new Uint8Array(32)).then(() => "wrapped", e => e.message)`)
	if !strings.Contains(msg, "not a valid account key") {
		t.Errorf("wrapping to the identity: %q", msg)
	}
}

// devAccount derives an account from a secret URI.
func devAccount(t *testing.T, uri string) *identity.Account {
	t.Helper()
	a, err := identity.AccountFromURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// xorshift is the tests' plaintext: the same bytes in Go and in the page
// (jsXorshift) for a seed.
func xorshift(seed uint32, n int) []byte {
	b := make([]byte, n)
	x := seed | 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

const jsXorshift = `((seed, n) => { const b = new Uint8Array(n); let x = (seed | 1) >>> 0;
	for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 255; } return b; })`

// TestBrowserSealMatchesGo: for the sizes around the chunk boundaries,
// a file sealed by the page (read from a Blob a chunk at a time) is
// seal.NewWriter's ciphertext byte for byte under the same key, with the
// CID seal.Hasher gives; the page's opener gives the file back, and
// refuses the wrong key, an altered chunk and a cut-off download.
func TestBrowserSealMatchesGo(t *testing.T) {
	p := cryptoPage(t)
	const mib = 1 << 20
	for i, size := range []int{0, 1, mib - 1, mib, mib + 1, 3*mib + mib/2} {
		seed := uint32(0x9e3779b9 + i)
		plain := xorshift(seed, size)
		var key seal.Key
		copy(key[:], random(t, 32))
		var sealed bytes.Buffer
		w := seal.NewWriter(&sealed, key)
		if _, err := w.Write(plain); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var h seal.Hasher
		_, _ = h.Write(sealed.Bytes())
		cid, err := h.Sum()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(sealed.Bytes())

		start := time.Now()
		type sealedInPage struct {
			CID, SHA256, Plain, Check string
			CipherLen                 int64
		}
		got := evalAsync[sealedInPage](p, `(async () => {
			const s = OpenSky.seal, key = `+jsBytes(key[:])+`;
			const plain = `+jsXorshift+`(`+strconv.FormatUint(uint64(seed), 10)+`, `+strconv.Itoa(size)+`);
			const r = await s.sealBlob(new Blob([plain]), key);
			const ct = new Uint8Array(await r.sealed.arrayBuffer());
			const hex = `+jsHex+`;
			const sha = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", ct)));
			const plainSHA = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", plain)));
			// Open it again, fed in odd pieces, as a download arrives.
			const o = new s.Opener(key, r.cipherLen, r.cid);
			for (let i = 0; i < ct.length; i += 99991) { await o.push(ct.subarray(i, i + 99991)); }
			const back = new Uint8Array(await (await o.finish()).arrayBuffer());
			const backSHA = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", back)));
			// And refuse what must not open.
			const refuse = async (k, bytes, cid) => { try { const o = new s.Opener(k, ct.length, cid); await o.push(bytes); await o.finish(); return "opened"; }
				catch (e) { return (e.wrongKey ? "wrong key: " : "refused: ") + e.message; } };
			const wrongKey = key.slice(); wrongKey[0] ^= 1;
			const altered = ct.slice(); altered[altered.length - 1] ^= 1;
			const checks = [await refuse(wrongKey, ct, r.cid), await refuse(key, altered, r.cid), await refuse(key, ct.subarray(0, ct.length - 1), r.cid),
				await refuse(key, ct, "bafkreiadrxw4h56fkqug2u44wxpvdxbs4qfyzxifl4lsg2rweqxzbzpu3m")];
			return {CID: r.cid, SHA256: sha, CipherLen: r.cipherLen, Plain: backSHA === plainSHA ? "same" : "differs", Check: checks.join(" | ")};
		})()`)
		t.Logf("%d bytes: sealed, hashed and opened in the page in %s", size, time.Since(start).Round(time.Millisecond))
		if got.CID != cid || got.SHA256 != hex.EncodeToString(sum[:]) || got.CipherLen != int64(sealed.Len()) {
			t.Errorf("%d bytes: the page sealed %d bytes, SHA-256 %s, CID %s; Go %d bytes, %x, %s", size, got.CipherLen, got.SHA256, got.CID, sealed.Len(), sum, cid)
		}
		if got.Plain != "same" {
			t.Errorf("%d bytes: the page's opener gave back a different file", size)
		}
		checks := strings.Split(got.Check, " | ")
		// A single chunk altered looks like the wrong key: the page cannot
		// tell them apart, and says so.
		if len(checks) != 4 || !strings.HasPrefix(checks[0], "wrong key: ") || checks[1] == "opened" ||
			!strings.HasPrefix(checks[2], "refused: ") || !strings.HasPrefix(checks[3], "refused: ") {
			t.Errorf("%d bytes: what must not open: %s", size, got.Check)
		}
		if size > mib && !strings.HasPrefix(checks[1], "refused: chunk "+strconv.Itoa(size/mib)+" ") {
			t.Errorf("%d bytes: an altered last chunk: %s", size, checks[1])
		}
	}
}
