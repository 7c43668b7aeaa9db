package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const (
	alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	bob   = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
)

func TestTokenStoreLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	s, err := OpenTokenStore(dir, WithStoreClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t1, tok1, err := s.Create(ctx, alice, "ci", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	t2, tok2, err := s.Create(ctx, alice, "short", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, tokB, err := s.Create(ctx, bob, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Authenticate(ctx, tok1); err != nil || got.Account != alice || got.ID != t1.ID || got.Name != "ci" {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	list, _ := s.List(ctx, alice)
	if len(list) != 2 || list[0].ID != t1.ID || list[1].ID != t2.ID {
		t.Fatalf("alice's tokens: %+v", list)
	}
	// The secret is nowhere on disk.
	data, err := os.ReadFile(filepath.Join(dir, TokenFile))
	if err != nil {
		t.Fatal(err)
	}
	_, secret, _ := ParseToken(tok1)
	for _, needle := range [][]byte{[]byte(tok1), secret, []byte(tok1[len(TokenPrefix)+TokenIDLen+1:])} {
		if containsBytes(data, needle) {
			t.Fatal("the token store holds a token's secret")
		}
	}
	// A wrong secret with a right ID does not pass.
	forged := tok1[:len(tok1)-2] + "AA"
	if forged == tok1 {
		forged = tok1[:len(tok1)-2] + "BA"
	}
	if _, err := s.Authenticate(ctx, forged); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("forged secret: %v", err)
	}
	// Bob cannot revoke Alice's token; Alice can.
	if err := s.Revoke(ctx, bob, t1.ID); !errors.Is(err, ErrTokenNotFound) {
		t.Fatalf("bob revokes alice's token: %v", err)
	}
	if err := s.Revoke(ctx, alice, t1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, tok1); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened later: what was made is still there, the expired token no
	// longer works.
	now = now.Add(2 * time.Hour)
	s, err = OpenTokenStore(dir, WithStoreClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Authenticate(ctx, tokB); err != nil || got.Account != bob {
		t.Fatalf("bob's token after a restart: %+v %v", got, err)
	}
	if _, err := s.Authenticate(ctx, tok1); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("the revoked token came back: %v", err)
	}
	if _, err := s.Authenticate(ctx, tok2); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("expired token: %v", err)
	}
	// Making a token removes the account's expired ones.
	if _, _, err := s.Create(ctx, alice, "again", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.List(ctx, alice); len(list) != 1 || list[0].Name != "again" {
		t.Fatalf("after the expired one was pruned: %+v", list)
	}
}

func TestTokenStoreRefuses(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	s, err := OpenTokenStore(t.TempDir(), WithStoreClock(func() time.Time { return now }), WithTokenLimits(2, 3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, c := range map[string]struct {
		name string
		exp  time.Time
	}{
		"long name":     {string(make([]byte, MaxTokenNameLen+1)), time.Time{}},
		"control chars": {"a\nb", time.Time{}},
		"bad utf8":      {"\xff", time.Time{}},
		"past expiry":   {"x", now.Add(-time.Second)},
		"far expiry":    {"x", now.Add(MaxTokenLifetime + time.Hour)},
	} {
		if _, _, err := s.Create(ctx, alice, c.name, c.exp); !errors.Is(err, ErrInvalidTokenRequest) {
			t.Errorf("%s: %v, want ErrInvalidTokenRequest", name, err)
		}
	}
	for range 2 {
		if _, _, err := s.Create(ctx, alice, "", time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Create(ctx, alice, "", time.Time{}); !errors.Is(err, ErrTooManyTokens) {
		t.Fatalf("third token of one account: %v", err)
	}
	if _, _, err := s.Create(ctx, bob, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Create(ctx, bob, "", time.Time{}); !errors.Is(err, ErrTooManyTokens) {
		t.Fatalf("fourth token of the store: %v", err)
	}
	// Only one process holds the store.
	if _, err := OpenTokenStore(filepath.Dir(filepath.Join(s.db.Path())), WithStoreClock(time.Now)); err == nil {
		t.Fatal("a second open of the store succeeded")
	}
}

func containsBytes(haystack, needle []byte) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if string(haystack[i:i+len(needle)]) == string(needle) {
			return true
		}
	}
	return false
}
