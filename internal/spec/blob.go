package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// BlobPrefix starts every blob reference.
const BlobPrefix = "sha256:"

// blobRefLen is the length of a blob reference: the prefix and 64 hex digits.
const blobRefLen = len(BlobPrefix) + 2*sha256.Size

// IsBlobRef reports whether s is a blob reference: "sha256:" followed by
// the 64 lowercase hex digits of a SHA-256 digest.
func IsBlobRef(s string) bool {
	if len(s) != blobRefLen || !strings.HasPrefix(s, BlobPrefix) {
		return false
	}
	for _, c := range s[len(BlobPrefix):] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// BlobRef returns the blob reference of data.
func BlobRef(data []byte) string {
	sum := sha256.Sum256(data)
	return BlobPrefix + hex.EncodeToString(sum[:])
}
