package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/opensky-network/opensky/internal/identity"
)

// Transaction layout, version 1. Every field has a fixed size or a minimal
// uvarint length prefix, the signature ends the transaction and nothing
// follows it, so a decoded transaction re-encodes to the same bytes:
//
//	version    1 byte, txVersion
//	chain ID   uvarint length, then printable ASCII
//	sender     32 bytes, sr25519 public key
//	nonce      8 bytes, big-endian
//	type       uvarint length, then the message type ("bank/transfer")
//	payload    uvarint length, then the message in canonical JSON
//	signature  64 bytes, sr25519 over signDomain and every byte before it
const (
	txVersion = 1
	// MaxTxBytes bounds one transaction.
	MaxTxBytes = 32 << 10
	// MaxChainIDLen bounds a chain ID.
	MaxChainIDLen = 50
	maxTypeLen    = 48
	pubKeyLen     = 32
	sigLen        = 64
)

const signDomain = "opensky/tx/1"

// Signer signs transactions: an identity.Account.
type Signer interface {
	PublicKey() [32]byte
	Sign(msg []byte) ([]byte, error)
}

// Tx is a decoded transaction.
type Tx struct {
	ChainID string
	Sender  [32]byte
	Nonce   uint64
	Msg     Msg
	Sig     []byte

	body []byte // the bytes the signature covers
	hash [32]byte
}

// From is the sender's SS58 address.
func (t *Tx) From() string { return identity.AddressOf(t.Sender) }

// Hash is the transaction's hash as CometBFT reports it: SHA-256 of its
// bytes, in upper-case hex.
func (t *Tx) Hash() string { return fmt.Sprintf("%X", t.hash[:]) }

// NewTx encodes and signs msg from s for chainID with nonce.
func NewTx(s Signer, chainID string, nonce uint64, msg Msg) ([]byte, error) {
	if err := validChainID(chainID); err != nil {
		return nil, err
	}
	if err := msg.validate(); err != nil {
		return nil, err
	}
	payload, err := marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("ledger: encode %s: %w", msg.Type(), err)
	}
	pub := s.PublicKey()
	b := make([]byte, 0, 128+len(payload))
	b = append(b, txVersion)
	b = appendBytes(b, []byte(chainID))
	b = append(b, pub[:]...)
	b = binary.BigEndian.AppendUint64(b, nonce)
	b = appendBytes(b, []byte(msg.Type()))
	b = appendBytes(b, payload)
	sig, err := s.Sign(signedMessage(b))
	if err != nil {
		return nil, fmt.Errorf("ledger: sign: %w", err)
	}
	if len(sig) != sigLen {
		return nil, fmt.Errorf("ledger: signer returned a %d-byte signature", len(sig))
	}
	b = append(b, sig...)
	if len(b) > MaxTxBytes {
		return nil, txErr(CodeMalformed, "transaction is %d bytes, the limit is %d", len(b), MaxTxBytes)
	}
	return b, nil
}

func signedMessage(body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(signDomain))
	h.Write(body)
	return h.Sum(nil)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// DecodeTx parses a transaction without checking its signature or any
// state. Anything but the exact encoding NewTx produces is refused with a
// CodeMalformed error, as is a message that fails its own checks
// (CodeInvalid).
func DecodeTx(b []byte) (*Tx, error) {
	if len(b) > MaxTxBytes {
		return nil, txErr(CodeMalformed, "transaction is %d bytes, the limit is %d", len(b), MaxTxBytes)
	}
	r := reader{b: b}
	if v := r.byte(); v != txVersion {
		return nil, txErr(CodeMalformed, "unknown transaction version %d", v)
	}
	t := &Tx{}
	t.ChainID = string(r.bytes(MaxChainIDLen))
	copy(t.Sender[:], r.fixed(pubKeyLen))
	t.Nonce = binary.BigEndian.Uint64(append(make([]byte, 0, 8), r.fixed(8)...))
	typ := string(r.bytes(maxTypeLen))
	payload := r.bytes(MaxTxBytes)
	bodyEnd := r.off
	t.Sig = r.fixed(sigLen)
	if r.err != nil {
		return nil, txErr(CodeMalformed, "%v", r.err)
	}
	if r.off != len(b) {
		return nil, txErr(CodeMalformed, "%d bytes after the signature", len(b)-r.off)
	}
	if err := validChainID(t.ChainID); err != nil {
		return nil, err
	}
	newMsg, ok := msgTypes[typ]
	if !ok {
		return nil, txErr(CodeMalformed, "unknown message type %q", printable(typ))
	}
	m := newMsg()
	if err := unmarshalCanonical(payload, m); err != nil {
		return nil, txErr(CodeMalformed, "%s: %v", typ, err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	t.Msg = m
	t.body = b[:bodyEnd]
	t.hash = sha256.Sum256(b)
	return t, nil
}

// VerifySignature checks that the sender signed the transaction.
func (t *Tx) VerifySignature() error {
	if !identity.Verify(t.Sender, signedMessage(t.body), t.Sig) {
		return txErr(CodeBadSignature, "the signature is not %s's", t.From())
	}
	return nil
}

func validChainID(id string) error {
	if id == "" || len(id) > MaxChainIDLen {
		return txErr(CodeMalformed, "chain ID must be 1 to %d characters", MaxChainIDLen)
	}
	for _, c := range id {
		if c <= ' ' || c > '~' {
			return txErr(CodeMalformed, "chain ID must be printable ASCII")
		}
	}
	return nil
}

// printable quotes at most 48 bytes of untrusted text for an error.
func printable(s string) string {
	if len(s) > 48 {
		s = s[:48] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// reader walks a transaction; the first error sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fixed(n int) []byte {
	if r.err != nil {
		return make([]byte, n)
	}
	if len(r.b)-r.off < n {
		r.err = fmt.Errorf("truncated at byte %d", r.off)
		return make([]byte, n)
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *reader) byte() byte { return r.fixed(1)[0] }

func (r *reader) bytes(max int) []byte {
	if r.err != nil {
		return nil
	}
	n, k := binary.Uvarint(r.b[r.off:])
	if k <= 0 || (k > 1 && r.b[r.off+k-1] == 0) {
		r.err = fmt.Errorf("bad length at byte %d", r.off)
		return nil
	}
	if n > uint64(max) {
		r.err = fmt.Errorf("field at byte %d is %d bytes, the limit is %d", r.off, n, max)
		return nil
	}
	r.off += k
	return r.fixed(int(n))
}
