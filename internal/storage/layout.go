package storage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PieceSize is the bytes one stripe puts on each shard, and the unit a
// shard's Merkle tree and its audits are built on.
const PieceSize = 16 << 10

// MaxShards bounds k+m: every shard of an object lives on its own
// provider.
const MaxShards = 64

// Layout is how an object is spread over providers: Data shards carry the
// ciphertext, Parity shards let a read succeed from any Data of them.
type Layout struct {
	Data   int `json:"data"`
	Parity int `json:"parity"`
}

// DefaultLayout is 10+4: any 10 of 14 providers can serve a read, at 1.4
// times the stored size.
var DefaultLayout = Layout{Data: 10, Parity: 4}

// Shards is k+m.
func (l Layout) Shards() int { return l.Data + l.Parity }

// String is "k+m".
func (l Layout) String() string { return fmt.Sprintf("%d+%d", l.Data, l.Parity) }

// Validate checks that the layout can be encoded.
func (l Layout) Validate() error {
	switch {
	case l.Data < 1:
		return errors.New("storage: layout needs at least one data shard")
	case l.Parity < 0:
		return errors.New("storage: layout has a negative parity count")
	case l.Shards() > MaxShards:
		return fmt.Errorf("storage: layout %s has more than %d shards", l, MaxShards)
	}
	return nil
}

// ParseLayout reads "k+m", e.g. "10+4".
func ParseLayout(s string) (Layout, error) {
	ks, ms, ok := strings.Cut(strings.TrimSpace(s), "+")
	if !ok {
		return Layout{}, fmt.Errorf("storage: redundancy %q: want data+parity, e.g. 10+4", s)
	}
	k, err1 := strconv.Atoi(ks)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil {
		return Layout{}, fmt.Errorf("storage: redundancy %q: want data+parity, e.g. 10+4", s)
	}
	l := Layout{Data: k, Parity: m}
	return l, l.Validate()
}

// StripeSize is the ciphertext bytes one stripe carries.
func (l Layout) StripeSize() int64 { return int64(l.Data) * PieceSize }

// Pieces is the number of pieces (stripes) every shard of an object of
// cipherLen bytes has; the last stripe is padded with zeros. An empty
// ciphertext still has one stripe.
func (l Layout) Pieces(cipherLen int64) int64 {
	if cipherLen <= 0 {
		return 1
	}
	s := l.StripeSize()
	return (cipherLen + s - 1) / s
}

// ShardSize is the bytes each shard of an object of cipherLen bytes holds.
func (l Layout) ShardSize(cipherLen int64) int64 { return l.Pieces(cipherLen) * PieceSize }
