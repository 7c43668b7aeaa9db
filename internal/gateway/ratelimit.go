package gateway

import (
	"hash/maphash"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Default request budget of an account (and of a remote address, for
// requests without credentials).
const (
	DefaultRatePerSecond = 20
	DefaultBurst         = 40
)

// Bounds of the rate limiter's memory.
const (
	// limiterShards spreads the buckets over locks of their own, so that
	// a flood from one key does not queue the others behind one mutex.
	limiterShards = 32
	// maxLimitKeys bounds the buckets held; beyond it new keys of a shard
	// share one bucket until idle ones are dropped.
	maxLimitKeys = 64 << 10
)

// rateLimiter is a token bucket per key ("acct:<address>" or
// "ip:<address>"): each key may make burst requests at once and rate a
// second after that. It is safe for concurrent use.
type rateLimiter struct {
	rate     float64
	burst    float64
	perShard int // buckets a shard holds at most
	refill   time.Duration
	now      func() time.Time
	seed     maphash.Seed
	shards   [limiterShards]limiterShard
}

type limiterShard struct {
	mu        sync.Mutex
	buckets   map[string]*bucket
	overflow  bucket    // shared by new keys while the shard is full
	lastSweep time.Time // a full shard is swept at most once per refill time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// newRateLimiter returns a limiter of rate requests a second with bursts
// of burst (the defaults when not positive).
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if rate <= 0 {
		rate = DefaultRatePerSecond
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	if now == nil {
		now = time.Now
	}
	l := &rateLimiter{
		rate: rate, burst: float64(burst), perShard: maxLimitKeys / limiterShards, now: now, seed: maphash.MakeSeed(),
		refill: time.Duration(float64(burst) / rate * float64(time.Second)),
	}
	for i := range l.shards {
		l.shards[i].buckets = make(map[string]*bucket)
		l.shards[i].overflow.tokens = l.burst
	}
	return l
}

// allow takes one request from key's budget. When there is none it
// returns false and how long until there is.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	return l.take(key, true)
}

// peek reports whether key's budget has a request left, without taking it.
func (l *rateLimiter) peek(key string) (bool, time.Duration) {
	return l.take(key, false)
}

func (l *rateLimiter) take(key string, consume bool) (bool, time.Duration) {
	now := l.now()
	sh := &l.shards[maphash.String(l.seed, key)%limiterShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b := sh.buckets[key]
	if b == nil {
		if !consume {
			return true, 0
		}
		if len(sh.buckets) >= l.perShard && now.Sub(sh.lastSweep) >= l.refill {
			l.sweep(sh, now)
		}
		if len(sh.buckets) >= l.perShard {
			b = &sh.overflow
		} else {
			b = &bucket{tokens: l.burst, last: now}
			sh.buckets[key] = b
		}
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		if consume {
			b.tokens--
		}
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// sweep drops the buckets of a shard that have refilled: a full bucket is
// the same as none. A sweep frees every bucket idle for the refill time,
// so sweeping more often than that would find little: a shard full of
// busy keys costs one pass per refill time, not one per request. sh.mu is
// held.
func (l *rateLimiter) sweep(sh *limiterShard, now time.Time) {
	sh.lastSweep = now
	for k, b := range sh.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(sh.buckets, k)
		}
	}
}

// accountKey is the limiter key of an authenticated account.
func accountKey(account string) string {
	return "acct:" + account
}

// remoteKey is the limiter key of a request without credentials: its
// remote address, an IPv6 address by its /64 (what one host is usually
// given). Forwarding headers are not trusted.
func remoteKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	if ip == nil {
		return "ip:" + host
	}
	if v4 := ip.To4(); v4 != nil {
		return "ip:" + v4.String()
	}
	return "ip:" + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// retryAfterSeconds is a Retry-After value: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
