package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

func TestSealOpenRoundtrip(t *testing.T) {
	priv := testKey(t, 1)
	want, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cases := []Message{
		samplePresence(),
		&BidRequest{JobID: "j1", TaskID: "t1", Engine: "wasm", Resources: Capacity{MilliCPU: 500}, TimeoutMs: 1000, MaxPrice: 99},
		&Dispatch{Task: TaskSpec{JobID: "j", TaskID: "t", Engine: "wasm", Env: map[string]string{"B": "2", "A": "1"},
			Stdin: []byte{0, 1, 2, 255}, Inputs: []File{{Path: "in/a", Data: []byte("hello")}}}, Price: 5},
		&Error{Code: "internal", Message: "disk <full> & \"stuck\""},
	}
	for _, m := range cases {
		t.Run(m.WireType(), func(t *testing.T) {
			sealed, err := Seal(priv, m)
			if err != nil {
				t.Fatal(err)
			}
			typ, signer, err := Peek(sealed, MaxControlMessage)
			if err != nil || typ != m.WireType() || signer != want {
				t.Fatalf("Peek = %q, %s, %v; want %q, %s", typ, signer, err, m.WireType(), want)
			}
			got := reflect.New(reflect.TypeOf(m).Elem()).Interface().(Message)
			signer, err = Open(sealed, MaxControlMessage, got)
			if err != nil {
				t.Fatal(err)
			}
			if signer != want {
				t.Errorf("signer %s, want %s", signer, want)
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("opened %+v, want %+v", got, m)
			}
			again, err := Seal(priv, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, sealed) {
				t.Error("sealing the opened message gives other bytes")
			}
		})
	}
}

func TestMarshalIsCanonical(t *testing.T) {
	b, err := Marshal(samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.HasSuffix(s, "\n") || strings.Contains(s, `\u003c`) || !strings.Contains(s, "eu-<west>&1") {
		t.Errorf("payload escapes HTML or ends in a newline: %s", s)
	}
	if i, j := strings.Index(s, `"arch"`), strings.Index(s, `"zone"`); i < 0 || j < i {
		t.Errorf("map keys not sorted: %s", s)
	}
}

func TestOpenRejectsFlippedByte(t *testing.T) {
	priv := testKey(t, 2)
	sealed, err := Seal(priv, samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sealed)
			bad[i] ^= bit
			var p Presence
			if _, err := Open(bad, MaxControlMessage, &p); err == nil {
				t.Fatalf("byte %d xor %#x accepted", i, bit)
			}
		}
	}
}

func TestOpenRejectsNonCanonicalPayload(t *testing.T) {
	priv := testKey(t, 3)
	canon, err := Marshal(samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	indented, err := json.MarshalIndent(samplePresence(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(canon, &generic); err != nil {
		t.Fatal(err)
	}
	sortedKeys, err := json.Marshal(generic) // top-level keys sorted, not in struct order
	if err != nil {
		t.Fatal(err)
	}
	htmlEscaped, err := json.Marshal(samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"extra spaces":       indented,
		"reordered keys":     sortedKeys,
		"html escaped":       htmlEscaped,
		"trailing newline":   append(bytes.Clone(canon), '\n'),
		"leading space":      append([]byte(" "), canon...),
		"duplicate key":      []byte(`{"peer":"x",` + string(canon[1:])),
		"key case folded":    bytes.Replace(canon, []byte(`"peer"`), []byte(`"Peer"`), 1),
		"number with exp":    bytes.Replace(canon, []byte(`"seq":7`), []byte(`"seq":7e0`), 1),
		"null instead of {}": []byte("null"),
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(payload, canon) {
				t.Fatal("test case is canonical")
			}
			var p Presence
			_, err := Open(sealRaw(t, priv, p.WireType(), payload), MaxControlMessage, &p)
			if !errors.Is(err, ErrNotCanonical) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Open = %v, want ErrNotCanonical", err)
			}
		})
	}
	// The cases that decode cleanly must be reported as not canonical.
	for _, name := range []string{"extra spaces", "reordered keys", "html escaped", "duplicate key", "key case folded"} {
		var p Presence
		_, err := Open(sealRaw(t, priv, p.WireType(), cases[name]), MaxControlMessage, &p)
		if !errors.Is(err, ErrNotCanonical) {
			t.Errorf("%s: Open = %v, want ErrNotCanonical", name, err)
		}
	}
}

func TestOpenRejectsStrictDecodeFailures(t *testing.T) {
	priv := testKey(t, 4)
	canon, err := Marshal(samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"unknown field":   []byte(`{"peer":"x","extra":1}`),
		"trailing data":   append(bytes.Clone(canon), []byte(`{}`)...),
		"wrong json type": []byte(`{"seq":"seven"}`),
		"not json":        []byte("presence"),
	}
	for name, payload := range cases {
		var p Presence
		if _, err := Open(sealRaw(t, priv, p.WireType(), payload), MaxControlMessage, &p); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Open = %v, want ErrMalformed", name, err)
		}
	}
}

func TestOpenRejectsTypeConfusion(t *testing.T) {
	priv := testKey(t, 5)
	sealed, err := Seal(priv, &BidRequest{JobID: "j", TaskID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	var bid Bid
	if _, err := Open(sealed, MaxControlMessage, &bid); !errors.Is(err, ErrWrongType) {
		t.Fatalf("Open as Bid = %v, want ErrWrongType", err)
	}
	// A CancelAck payload relabelled as a DispatchAck: same shape of
	// fields is no excuse, the type is signed.
	payload, err := Marshal(&CancelAck{TaskID: "t", Found: true})
	if err != nil {
		t.Fatal(err)
	}
	relabelled := sealRaw(t, priv, (Cancel{}).WireType(), payload)
	var ack CancelAck
	if _, err := Open(relabelled, MaxControlMessage, &ack); !errors.Is(err, ErrWrongType) {
		t.Fatalf("Open relabelled = %v, want ErrWrongType", err)
	}
}

func TestOpenRejectsOversize(t *testing.T) {
	priv := testKey(t, 6)
	sealed, err := Seal(priv, samplePresence())
	if err != nil {
		t.Fatal(err)
	}
	var p Presence
	if _, err := Open(sealed, len(sealed)-1, &p); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Open = %v, want ErrTooLarge", err)
	}
	if _, _, err := Peek(sealed, len(sealed)-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Peek = %v, want ErrTooLarge", err)
	}
	if _, err := Open(sealed, len(sealed), &p); err != nil {
		t.Fatalf("Open at exactly the limit: %v", err)
	}
}

func TestOpenRejectsNonCanonicalEnvelope(t *testing.T) {
	priv := testKey(t, 7)
	sealed, err := Seal(priv, &Cancel{TaskID: "t", Reason: "r"})
	if err != nil {
		t.Fatal(err)
	}
	typ := (Cancel{}).WireType()
	// The type length padded with a zero continuation group: same value,
	// other bytes.
	padded := append(bytes.Clone(sealed[:headerSize]), 0x80|byte(len(typ)), 0x00)
	padded = append(padded, sealed[headerSize+1:]...)
	otherVersion := bytes.Clone(sealed)
	otherVersion[0] = 2
	cases := map[string][]byte{
		"padded length":   padded,
		"trailing byte":   append(bytes.Clone(sealed), 0),
		"other version":   otherVersion,
		"truncated":       sealed[:len(sealed)-1],
		"header only":     sealed[:headerSize],
		"empty":           nil,
		"empty type":      sealRaw(t, priv, "", []byte("{}")),
		"type with space": sealRaw(t, priv, "cancel /1", []byte("{}")),
	}
	for name, data := range cases {
		var c Cancel
		if _, err := Open(data, MaxControlMessage, &c); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Open = %v, want ErrMalformed", name, err)
		}
	}
}

func TestOpenRejectsForeignSignature(t *testing.T) {
	a, b := testKey(t, 8), testKey(t, 9)
	sealed, err := Seal(a, &Cancel{TaskID: "t"})
	if err != nil {
		t.Fatal(err)
	}
	bPub, err := b.GetPublic().Raw()
	if err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Clone(sealed)
	copy(swapped[1:1+pubKeySize], bPub)
	var c Cancel
	if _, err := Open(swapped, MaxControlMessage, &c); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("Open with another signer's key = %v, want ErrBadSignature", err)
	}
}

func TestOpenResetsTarget(t *testing.T) {
	priv := testKey(t, 10)
	sent := &Presence{Peer: "p", Labels: map[string]string{"a": "1"}}
	sealed, err := Seal(priv, sent)
	if err != nil {
		t.Fatal(err)
	}
	got := samplePresence() // full of other values, including labels
	if _, err := Open(sealed, MaxControlMessage, got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sent) {
		t.Fatalf("opened %+v, want %+v", got, sent)
	}
	var notPointer Presence
	if _, err := Open(sealed, MaxControlMessage, notPointer); err == nil {
		t.Fatal("Open into a non-pointer succeeded")
	}
}

func TestSealRejectsOtherKeyTypes(t *testing.T) {
	priv, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Seal(priv, &Cancel{}); !errors.Is(err, ErrUnsupportedKey) {
		t.Fatalf("Seal with secp256k1 = %v, want ErrUnsupportedKey", err)
	}
}
