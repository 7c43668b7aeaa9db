package polkadot

// Signer signs with sr25519 in the "substrate" signing context;
// *identity.Account satisfies it.
type Signer interface {
	// PublicKey returns the 32-byte public key, which is the account ID.
	PublicKey() [32]byte
	// Sign returns a 64-byte signature of msg.
	Sign(msg []byte) ([]byte, error)
}
