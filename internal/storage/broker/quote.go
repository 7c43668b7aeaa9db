package broker

import (
	"context"
	"time"

	"github.com/opensky-network/opensky/internal/storage"
	"github.com/opensky-network/opensky/internal/storage/seal"
)

// Month is the period storage prices are quoted for.
const Month = 30 * 24 * time.Hour

// Quote is what keeping an object would cost with the providers that
// would hold it now.
type Quote struct {
	Layout     storage.Layout
	ShardBytes int64
	Providers  int
	// PerMonth and Total are micro-USD: for 30 days, and for the
	// duration asked (one month when none was).
	PerMonth int64
	Total    int64
	// Prices are the chosen providers' prices per GB-month.
	Prices []int64
}

// Quote prices keeping size plaintext bytes with layout l (zero: the
// default) for d.
func (b *Broker) Quote(ctx context.Context, size int64, l storage.Layout, d time.Duration) (Quote, error) {
	if l == (storage.Layout{}) {
		l = b.cfg.Layout
	}
	if err := l.Validate(); err != nil {
		return Quote{}, err
	}
	shard := l.ShardSize(seal.CipherLen(size))
	picked, err := b.choose(ctx, l.Shards(), shard, nil)
	if err != nil {
		return Quote{}, err
	}
	q := Quote{Layout: l, ShardBytes: shard, Providers: len(picked)}
	if d <= 0 {
		d = Month
	}
	for _, c := range picked {
		price := c.Presence.Storage.PricePerGBMonth
		q.PerMonth += ShardPrice(price, shard, Month)
		q.Total += ShardPrice(price, shard, d)
		q.Prices = append(q.Prices, price)
	}
	return q, nil
}

// ShardPrice is what keeping bytes for d costs at pricePerGBMonth
// micro-USD, rounded up to a whole micro-USD.
func ShardPrice(pricePerGBMonth, bytes int64, d time.Duration) int64 {
	if pricePerGBMonth <= 0 || bytes <= 0 || d <= 0 {
		return 0
	}
	v := float64(pricePerGBMonth) * float64(bytes) / 1e9 * (float64(d) / float64(Month))
	n := int64(v)
	if float64(n) < v {
		n++
	}
	return n
}
