package wire

import "encoding/binary"

// uvarint decodes a minimally encoded uvarint from the start of b and
// returns it with the number of bytes read; n <= 0 means b does not start
// with one (truncated, overflowing or padded with zero groups).
func uvarint(b []byte) (v uint64, n int) {
	v, n = binary.Uvarint(b)
	if n > 1 && b[n-1] == 0 {
		return 0, -1
	}
	return v, n
}
