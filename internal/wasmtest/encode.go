package wasmtest

// uleb appends v as an unsigned LEB128 number.
func uleb(b []byte, v uint64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		b = append(b, c)
		if v == 0 {
			return b
		}
	}
}

// sleb appends v as a signed LEB128 number.
func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		done := (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0)
		if !done {
			c |= 0x80
		}
		b = append(b, c)
		if done {
			return b
		}
	}
}

// name appends a length-prefixed UTF-8 string.
func name(b []byte, s string) []byte {
	b = uleb(b, uint64(len(s)))
	return append(b, s...)
}

// section appends a section with its id and size-prefixed payload.
func section(b []byte, id byte, payload []byte) []byte {
	b = append(b, id)
	b = uleb(b, uint64(len(payload)))
	return append(b, payload...)
}
