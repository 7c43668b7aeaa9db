package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzOpen checks that whatever Open and Parse accept is canonical: the
// envelope re-encodes to the same bytes and the payload re-marshals to the
// same bytes.
func FuzzOpen(f *testing.F) {
	priv := testKey(f, 42)
	for _, m := range []Message{samplePresence(), &Bid{TaskID: "t", Accept: true, Price: 3}, &Error{Code: "c", Message: "m"},
		&TaskPhase{TaskID: "j-a.0.0-b", Phase: PhaseRunning, UnixMilli: 1}} {
		sealed, err := Seal(priv, m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sealed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := Parse(data, MaxControlMessage)
		if err != nil {
			return
		}
		again := encodeEnvelope(data[1:1+pubKeySize], data[1+pubKeySize:headerSize], env.Type(), env.Payload())
		if !bytes.Equal(again, data) {
			t.Fatalf("accepted a non-canonical envelope:\n got %x\nwant %x", data, again)
		}
		for _, m := range []Message{&Presence{}, &Bid{}, &Error{}, &TaskPhase{}} {
			signer, err := Open(data, MaxControlMessage, m)
			if err != nil {
				if env.Type() == m.WireType() && errors.Is(err, ErrWrongType) {
					t.Fatalf("type %q refused as %q", env.Type(), m.WireType())
				}
				continue
			}
			if signer != env.Signer() {
				t.Fatalf("Open signer %s, Parse signer %s", signer, env.Signer())
			}
			canon, err := Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(canon, env.Payload()) {
				t.Fatalf("accepted a non-canonical payload %q", env.Payload())
			}
			if tp, ok := m.(*TaskPhase); ok {
				tp.Validate() // must not panic, whatever it decoded
			}
		}
	})
}

// FuzzReadFrame checks that ReadFrame honours its bound and that a frame it
// accepts is exactly what WriteFrame produces for the body.
func FuzzReadFrame(f *testing.F) {
	var good bytes.Buffer
	if err := WriteFrame(&good, []byte("hello")); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes(), 16)
	f.Add([]byte{0x80, 0x01}, 200)
	f.Add([]byte{0x81, 0x00}, 200)
	f.Add([]byte{}, 1)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		max %= 1 << 20
		r := bytes.NewReader(data)
		b, err := ReadFrame(r, max)
		if err != nil {
			if err == io.EOF && len(data) != 0 {
				t.Fatalf("io.EOF with %d bytes available", len(data))
			}
			return
		}
		if len(b) > max {
			t.Fatalf("frame of %d bytes under limit %d", len(b), max)
		}
		consumed := len(data) - r.Len()
		var out bytes.Buffer
		if err := WriteFrame(&out, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data[:consumed]) {
			t.Fatalf("read %x as a frame, which writes as %x", data[:consumed], out.Bytes())
		}
	})
}
