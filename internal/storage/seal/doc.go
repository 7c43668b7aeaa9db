// Package seal is the owner's side of storage: it encrypts an object
// before anything leaves the machine, names the ciphertext by content, and
// wraps the object key to the owner's account. Nothing here touches a
// network; the gateway and providers only ever see what it outputs.
//
// # Stream format
//
// The plaintext is cut into chunks of ChunkSize bytes (the last one may be
// shorter, or empty when the plaintext is empty). Chunk c is sealed with
// AES-256-GCM under the object's random Key:
//
//	nonce      = uint64 BE c || uint32 BE flags   (12 bytes; flags = 1 on the last chunk, else 0)
//	AAD        = "opensky/seal/chunk/1"
//	ciphertext = GCM(plaintext chunk) || 16-byte tag
//
// The ciphertext stream is the sealed chunks back to back. The counter in
// the nonce catches reordered chunks, the last flag catches truncation at
// a chunk boundary, and the length known in advance catches anything
// appended. A plaintext whose length is a non-zero multiple of ChunkSize
// ends with a full chunk carrying the last flag, never with an extra empty
// chunk, so CipherLen and PlainLen are each other's inverse.
//
// # Content address
//
// An object's CID is a CIDv1 (codec raw, multihash sha2-256, base32) of
// the 56-byte header block
//
//	offset  size  field
//	0       4     "osky"
//	4       1     version, 1
//	5       3     zero
//	8       8     ciphertext length, uint64 BE
//	16      4     ChunkSize, uint32 BE
//	20      4     zero
//	24      32    Merkle root (package merkle) over merkle.Leaf of each ciphertext chunk
//
// so the CID commits to every byte of ciphertext without anyone holding
// the key. Hasher computes it from the ciphertext stream in O(log n)
// memory.
//
// # Key wrapping
//
// WrapKey encrypts an object key to an sr25519 account with ECIES over
// ristretto255, the group sr25519 keys live in:
//
//	e random scalar, E = e·B, S = e·Owner
//	K = HKDF-SHA256(secret = S || E || Owner, salt = none, info = "opensky/storage/key-wrap/1"), 32 bytes
//	wrapped = E (32) || ChaCha20-Poly1305(K, nonce = 12 zero bytes, AAD = none, key) (32 + 16)
//
// 80 bytes in all. K is used for one message only, so the fixed nonce is
// safe. UnwrapKey recomputes S = s·E with the account's secret scalar
// (identity.Account.Agree).
package seal
