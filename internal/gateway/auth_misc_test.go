package gateway

import (
	"bytes"
	"io"
)

// readCloser is a request body of data.
func readCloser(data []byte) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(data))
}

// bytes2MiB is a body larger than what the gateway checks before the
// handler runs.
func bytes2MiB() []byte {
	b := make([]byte, 2<<20)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}
