package api

import "time"

// StoredObject is an object kept by the storage network, as the gateway
// shows it to its owner.
type StoredObject struct {
	CID  string `json:"cid"`
	Name string `json:"name,omitempty"`
	// Size is the plaintext's bytes; CipherLen what is stored before
	// erasure coding.
	Size       int64  `json:"size"`
	CipherLen  int64  `json:"cipherLen"`
	Redundancy string `json:"redundancy"`
	// WrappedKey is the object key wrapped to the owner's account; only
	// the owner's key unwraps it.
	WrappedKey []byte        `json:"wrappedKey"`
	Deal       string        `json:"deal,omitempty"`
	CreatedAt  time.Time     `json:"createdAt"`
	ExpiresAt  *time.Time    `json:"expiresAt,omitempty"`
	LastAudit  *time.Time    `json:"lastAudit,omitempty"`
	Repairs    int           `json:"repairs"`
	Health     StorageHealth `json:"health"`
	Shards     []StoredShard `json:"shards"`
}

// StorageHealth counts an object's shards on live providers.
type StorageHealth struct {
	Live     int  `json:"live"`
	Total    int  `json:"total"`
	Readable bool `json:"readable"`
}

// StoredShard is one shard of an object and where it lives.
type StoredShard struct {
	Index           int        `json:"index"`
	Peer            string     `json:"peer"`
	Account         string     `json:"account,omitempty"`
	Root            string     `json:"root"`
	State           string     `json:"state"`
	Online          bool       `json:"online"`
	PricePerGBMonth int64      `json:"pricePerGbMonth"`
	Audits          int        `json:"audits"`
	Failures        int        `json:"failures"`
	LastAudit       *time.Time `json:"lastAudit,omitempty"`
	LastError       string     `json:"lastError,omitempty"`
}

// StoragePut describes an upload; the ciphertext is the request body.
type StoragePut struct {
	Name       string
	Size       int64
	Redundancy string
	Duration   time.Duration
	WrappedKey []byte
	Deal       string
	CID        string
	// CipherLen and CipherSHA256 (hex) describe the ciphertext the
	// body carries, computed beforehand by the uploader, so that a
	// signed upload streams instead of being read into memory to be
	// hashed.
	CipherLen    int64
	CipherSHA256 string
}

// AuditResult is one shard's outcome in an audit.
type AuditResult struct {
	Index  int    `json:"index"`
	Peer   string `json:"peer"`
	Passed bool   `json:"passed"`
	Error  string `json:"error,omitempty"`
}

// RepairReport says what a repair did.
type RepairReport struct {
	Live    int               `json:"live"`
	Rebuilt map[string]string `json:"rebuilt,omitempty"`
	Failed  map[string]string `json:"failed,omitempty"`
}

// StorageQuote is what keeping an object would cost at the current
// prices of the providers that would hold it.
type StorageQuote struct {
	Size       int64  `json:"size"`
	Redundancy string `json:"redundancy"`
	// ShardBytes is what each provider keeps.
	ShardBytes int64 `json:"shardBytes"`
	Providers  int   `json:"providers"`
	// PerMonth and Total are micro-USD: for 30 days, and for the
	// duration asked.
	PerMonth int64 `json:"perMonth"`
	Total    int64 `json:"total"`
	// Arbiter is the account a storage deal must name; Periods and
	// PeriodBlocks the deal's terms for the duration asked, and Amount
	// what it must hold (micro-USD), on a network that charges.
	Arbiter      string `json:"arbiter,omitempty"`
	Periods      int64  `json:"periods,omitempty"`
	PeriodBlocks int64  `json:"periodBlocks,omitempty"`
	Amount       int64  `json:"amount,omitempty"`
}
