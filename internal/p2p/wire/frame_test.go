package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestFrameRoundtrip(t *testing.T) {
	var buf bytes.Buffer
	bodies := [][]byte{{}, []byte("one"), bytes.Repeat([]byte{0xab}, smallFrame+1), bytes.Repeat([]byte{7}, 300)}
	for _, b := range bodies {
		if err := WriteFrame(&buf, b); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range bodies {
		got, err := ReadFrame(&buf, len(want))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("frame %d: got %d bytes, want %d", i, len(got), len(want))
		}
	}
	if _, err := ReadFrame(&buf, 10); err != io.EOF {
		t.Fatalf("read past the last frame = %v, want io.EOF", err)
	}
}

func TestReadFrameRejectsOversize(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteFrame(&buf, bytes.Repeat([]byte{1}, 1000)); err != nil {
		t.Fatal(err)
	}
	total := buf.Len()
	if _, err := ReadFrame(&buf, 999); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFrame = %v, want ErrTooLarge", err)
	}
	if read := total - buf.Len(); read != 2 {
		t.Fatalf("read %d bytes of an oversize frame, want only its 2-byte header", read)
	}
	// A length beyond any int is refused without allocating it.
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}
	if _, err := ReadFrame(bytes.NewReader(huge), 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFrame(huge) = %v, want ErrTooLarge", err)
	}
}

func TestReadFrameRejectsBadHeaders(t *testing.T) {
	cases := map[string]struct {
		data []byte
		want error
	}{
		"padded length":  {[]byte{0x83, 0x00, 1, 2, 3}, ErrMalformed},
		"overflow":       {bytes.Repeat([]byte{0xff}, 11), ErrMalformed},
		"cut header":     {[]byte{0x83}, io.ErrUnexpectedEOF},
		"cut body":       {[]byte{3, 1, 2}, io.ErrUnexpectedEOF},
		"negative limit": {[]byte{0}, ErrTooLarge},
	}
	for name, c := range cases {
		max := 100
		if name == "negative limit" {
			max = -1
		}
		if _, err := ReadFrame(bytes.NewReader(c.data), max); !errors.Is(err, c.want) {
			t.Errorf("%s: ReadFrame = %v, want %v", name, err, c.want)
		}
	}
}
