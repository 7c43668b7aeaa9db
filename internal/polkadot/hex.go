package polkadot

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// hexBytes writes b as JSON-RPC does: 0x-prefixed hex.
func hexBytes(b []byte) string { return "0x" + hex.EncodeToString(b) }

// parseHex reads 0x-prefixed hex.
func parseHex(s string) ([]byte, error) {
	t, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fmt.Errorf("%w: %.40q is not 0x-prefixed hex", ErrDecode, s)
	}
	b, err := hex.DecodeString(t)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	return b, nil
}
