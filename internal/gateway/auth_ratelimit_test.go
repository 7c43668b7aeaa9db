package gateway

import (
	"hash/maphash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
)

// TestRateLimitPerAccount: an account flooding the gateway gets 429 with
// Retry-After once its burst is spent, while another account, sending at
// the same time, is served every time. The clock does not move, so no
// budget refills during the test.
func TestRateLimitPerAccount(t *testing.T) {
	alice, bob := accounts(t)
	const burst = 5
	g := newAuthGateway(t, func(c *AuthConfig) { c.RatePerSecond, c.Burst = 1, burst })

	var wg sync.WaitGroup
	codes := make(chan int, 200)
	for range 4 {
		wg.Go(func() {
			for range 25 {
				resp, data := g.do(as{acct: alice}, "GET", "/api/v1/jobs", nil)
				if resp.StatusCode == http.StatusTooManyRequests {
					e := decode[api.Error](t, data)
					if e.Code != codeRateLimited || resp.Header.Get("Retry-After") == "" {
						t.Errorf("429 without its error or Retry-After: %s %v", data, resp.Header)
					}
				}
				codes <- resp.StatusCode
			}
		})
	}
	for i := range burst {
		if resp, data := g.do(as{acct: bob}, "GET", "/api/v1/jobs", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("bob's request %d during alice's flood: %d %s", i, resp.StatusCode, data)
		}
	}
	wg.Wait()
	close(codes)
	served, limited := 0, 0
	for c := range codes {
		switch c {
		case http.StatusOK:
			served++
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Errorf("alice got %d", c)
		}
	}
	if served != burst || limited != 100-burst {
		t.Fatalf("alice: %d served, %d limited; want %d and %d", served, limited, burst, 100-burst)
	}

	// Alice's token draws on the same budget; Retry-After says when it
	// refills.
	g.advance(2 * time.Second)
	tok := g.newToken(alice, "") // takes one of the two refilled
	if resp, _ := g.do(as{token: tok}, "GET", "/api/v1/jobs", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice's token after a refill: %d", resp.StatusCode)
	}
	resp, _ := g.do(as{token: tok}, "GET", "/api/v1/jobs", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("alice's token over budget: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestRateLimitAnonymous: requests without credentials share their remote
// address's budget, and so do failed authentication attempts; probes and
// scrapes are never limited.
func TestRateLimitAnonymous(t *testing.T) {
	alice, _ := accounts(t)
	g := newAuthGateway(t, func(c *AuthConfig) { c.RatePerSecond, c.Burst = 1, 3 })
	for i := range 3 {
		if resp, _ := g.do(as{}, "GET", "/api/v1/providers", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("anonymous request %d: %d", i, resp.StatusCode)
		}
	}
	resp, data := g.do(as{}, "GET", "/api/v1/node", nil)
	wantError(t, resp, data, http.StatusTooManyRequests, codeRateLimited)
	if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	// Guessing tokens from this address is limited too ...
	resp, data = g.do(as{token: "osk_aaaaaaaaaaaaaaaa_" + strings.Repeat("A", 43)}, "GET", "/api/v1/jobs", nil)
	wantError(t, resp, data, http.StatusTooManyRequests, codeRateLimited)
	// ... while an account from the same address has its own budget.
	if resp, data := g.do(as{acct: alice}, "GET", "/api/v1/jobs", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("alice from the same address: %d %s", resp.StatusCode, data)
	}
	for range 10 {
		if resp, _ := g.do(as{}, "GET", "/healthz", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("health check limited: %d", resp.StatusCode)
		}
	}
}

// TestRateLimiterBounded: the limiter's memory stays bounded however many
// keys come, keys past the bound share a budget instead of going
// unlimited, and idle buckets make room again.
func TestRateLimiterBounded(t *testing.T) {
	now := testEpoch
	l := newRateLimiter(1, 2, func() time.Time { return now })
	l.perShard = 4
	for i := range 1000 {
		l.allow("k" + strconv.Itoa(i))
	}
	held := 0
	for i := range l.shards {
		held += len(l.shards[i].buckets)
	}
	if held != 4*limiterShards {
		t.Fatalf("%d buckets held, want the bound %d", held, 4*limiterShards)
	}
	// A key past the bound shares its shard's overflow budget: two
	// requests (the burst), then none, whoever asks.
	sh := &l.shards[0]
	sh.overflow = bucket{tokens: 2, last: now}
	var extra []string
	for i := 1000; len(extra) < 3; i++ {
		k := "k" + strconv.Itoa(i)
		if &l.shards[maphash.String(l.seed, k)%limiterShards] == sh {
			extra = append(extra, k)
		}
	}
	allowed := 0
	for _, k := range extra {
		if ok, _ := l.allow(k); ok {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("%d of 3 keys past the bound were served, want the overflow's burst of 2", allowed)
	}
	// Once the buckets have refilled they are dropped to make room.
	now = now.Add(time.Hour)
	if ok, _ := l.allow(extra[0]); !ok {
		t.Fatal("a new key after the others went idle was refused")
	}
	if n := len(sh.buckets); n != 1 {
		t.Fatalf("the shard holds %d buckets after a sweep, want only the new one", n)
	}
}
