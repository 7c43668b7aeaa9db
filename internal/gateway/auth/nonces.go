package auth

import (
	"fmt"
	"sync"
	"time"
)

// Default bounds of a NonceCache.
const (
	// DefaultMaxNoncesPerAccount is far above what an account within its
	// rate limit can send in two windows (20 requests a second for 20
	// minutes is 24,000).
	DefaultMaxNoncesPerAccount = 32 << 10
	// DefaultMaxNonces bounds the whole cache (about 40 MiB at most).
	DefaultMaxNonces = 256 << 10
)

// NonceCache remembers the nonces of signed requests long enough to refuse
// a replay: a signed request is only accepted within ±skew of its
// timestamp, so a nonce must be kept for 2×skew after it is seen. Nonces
// live in two generations that rotate every 2×skew: a lookup checks both,
// an insert goes to the current one, and the older generation is dropped
// whole. Each nonce is thus kept between 2×skew and 4×skew, memory is
// bounded by the caps, and no sweep is needed. It is safe for concurrent
// use.
type NonceCache struct {
	gen        time.Duration
	perAccount int
	total      int

	mu        sync.Mutex
	rotated   time.Time
	cur, prev map[nonceKey]struct{}
	curN      map[string]int // nonces per account in cur
	prevN     map[string]int // and in prev
}

type nonceKey struct {
	account, nonce string
}

// NewNonceCache returns a cache for signatures accepted within ±skew,
// holding at most perAccount nonces of one account and total overall
// (defaults for non-positive values).
func NewNonceCache(skew time.Duration, perAccount, total int) *NonceCache {
	if skew <= 0 {
		skew = DefaultClockSkew
	}
	if perAccount <= 0 {
		perAccount = DefaultMaxNoncesPerAccount
	}
	if total <= 0 {
		total = DefaultMaxNonces
	}
	return &NonceCache{
		gen: 2 * skew, perAccount: perAccount, total: total,
		cur: map[nonceKey]struct{}{}, prev: map[nonceKey]struct{}{},
		curN: map[string]int{}, prevN: map[string]int{},
	}
}

// Add records the nonce of account seen at now. It returns ErrReplay when
// the nonce is already recorded, and ErrTooManyNonces when the account's
// or the cache's cap is reached.
func (c *NonceCache) Add(account, nonce string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rotate(now)
	k := nonceKey{account, nonce}
	if _, ok := c.cur[k]; ok {
		return ErrReplay
	}
	if _, ok := c.prev[k]; ok {
		return ErrReplay
	}
	if c.curN[account]+c.prevN[account] >= c.perAccount {
		return fmt.Errorf("%w: account %s has %d", ErrTooManyNonces, account, c.perAccount)
	}
	if len(c.cur)+len(c.prev) >= c.total {
		return fmt.Errorf("%w: the gateway holds %d", ErrTooManyNonces, c.total)
	}
	c.cur[k] = struct{}{}
	c.curN[account]++
	return nil
}

// rotate moves to a new generation when the current one is older than
// gen; c.mu is held.
func (c *NonceCache) rotate(now time.Time) {
	if c.rotated.IsZero() {
		c.rotated = now
		return
	}
	age := now.Sub(c.rotated)
	if age < c.gen {
		return
	}
	if age >= 2*c.gen {
		c.prev, c.prevN = map[nonceKey]struct{}{}, map[string]int{}
	} else {
		c.prev, c.prevN = c.cur, c.curN
	}
	c.cur, c.curN = map[nonceKey]struct{}{}, map[string]int{}
	c.rotated = now
}

// RetryAfter is how long until the oldest generation is dropped, the
// soonest a full cache has room again.
func (c *NonceCache) RetryAfter(now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return max(c.gen-now.Sub(c.rotated), time.Second)
}

// Len returns the number of nonces held.
func (c *NonceCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.prev)
}
