package wire

import (
	"encoding/binary"
	"fmt"
	"io"
)

// smallFrame is the size up to which WriteFrame sends header and body in
// one write.
const smallFrame = 16 << 10

// WriteFrame writes b preceded by its length as a uvarint.
func WriteFrame(w io.Writer, b []byte) error {
	if len(b) <= smallFrame {
		buf := make([]byte, 0, binary.MaxVarintLen64+len(b))
		buf = binary.AppendUvarint(buf, uint64(len(b)))
		if _, err := w.Write(append(buf, b...)); err != nil {
			return fmt.Errorf("wire: write frame: %w", err)
		}
		return nil
	}
	var hdr [binary.MaxVarintLen64]byte
	n := binary.PutUvarint(hdr[:], uint64(len(b)))
	if _, err := w.Write(hdr[:n]); err != nil {
		return fmt.Errorf("wire: write frame header: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("wire: write frame: %w", err)
	}
	return nil
}

// ReadFrame reads one frame of at most max bytes. A stream that ends before
// the first header byte yields io.EOF; a longer frame is ErrTooLarge and
// nothing of its body is read.
func ReadFrame(r io.Reader, max int) ([]byte, error) {
	n, err := ReadFrameLen(r, max)
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("wire: frame body: %w", unexpectedEOF(err))
	}
	return b, nil
}

// ReadFrameLen reads a frame header and returns the length of the body that
// follows, which is at most max. It lets a reader account for the memory
// before reading the body; ReadFrame does both.
func ReadFrameLen(r io.Reader, max int) (int, error) {
	var hdr [binary.MaxVarintLen64]byte
	for i := range hdr {
		if _, err := io.ReadFull(r, hdr[i:i+1]); err != nil {
			if i == 0 && err == io.EOF {
				return 0, io.EOF
			}
			return 0, fmt.Errorf("wire: frame header: %w", unexpectedEOF(err))
		}
		if hdr[i] < 0x80 {
			v, n := uvarint(hdr[:i+1])
			if n <= 0 {
				return 0, fmt.Errorf("%w: frame length is not minimally encoded", ErrMalformed)
			}
			if max < 0 || v > uint64(max) {
				return 0, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrTooLarge, v, max)
			}
			return int(v), nil
		}
	}
	return 0, fmt.Errorf("%w: frame length overflows", ErrMalformed)
}

// unexpectedEOF turns an end of stream in the middle of a frame into
// io.ErrUnexpectedEOF.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
