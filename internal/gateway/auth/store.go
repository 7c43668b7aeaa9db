package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Bounds of the token store.
const (
	// DefaultMaxTokensPerAccount is how many tokens one account may hold.
	DefaultMaxTokensPerAccount = 100
	// DefaultMaxTokens bounds the store as a whole: accounts cost nothing
	// to make, so the per-account cap alone would not bound the disk.
	DefaultMaxTokens = 100_000
	// MaxTokenNameLen bounds a token's name, in bytes.
	MaxTokenNameLen = 64
	// MaxTokenLifetime is the furthest a token's expiry may be.
	MaxTokenLifetime = 10 * 365 * 24 * time.Hour
	// TokenFile is the store's file in its directory.
	TokenFile = "tokens.db"
)

var tokensBucket = []byte("tokens")

// Token describes an API token. It never holds the secret, which is only
// shown once, when the token is created.
type Token struct {
	ID      string `json:"id"`
	Account string `json:"account"`
	Name    string `json:"name"`
	// CreatedAt is when the token was made; ExpiresAt, when set, is when
	// it stops working.
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// Expired reports whether t no longer works at now.
func (t Token) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// storedToken is a token's record on disk: the token and the hash of its
// secret.
type storedToken struct {
	Token
	Hash []byte `json:"hash"`
}

// TokenStore keeps API tokens in a bbolt file, with an index in memory
// for lookups. It is safe for concurrent use.
type TokenStore struct {
	db            *bolt.DB
	now           func() time.Time
	maxPerAccount int
	maxTotal      int

	mu   sync.RWMutex
	byID map[string]storedToken
}

// StoreOption configures a TokenStore.
type StoreOption func(*TokenStore)

// WithStoreClock sets the store's clock (time.Now by default).
func WithStoreClock(now func() time.Time) StoreOption {
	return func(s *TokenStore) {
		if now != nil {
			s.now = now
		}
	}
}

// WithTokenLimits sets how many tokens one account and the whole store
// may hold; non-positive values keep the defaults.
func WithTokenLimits(perAccount, total int) StoreOption {
	return func(s *TokenStore) {
		if perAccount > 0 {
			s.maxPerAccount = perAccount
		}
		if total > 0 {
			s.maxTotal = total
		}
	}
}

// OpenTokenStore opens (creating it if needed) the token store in dir.
// Only one process may have it open; Close releases it.
func OpenTokenStore(dir string, opts ...StoreOption) (*TokenStore, error) {
	if dir == "" {
		return nil, errors.New("auth: token store: no directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: token store: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, TokenFile), 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("auth: open token store %s: %w", filepath.Join(dir, TokenFile), err)
	}
	s := &TokenStore{
		db: db, now: time.Now, byID: map[string]storedToken{},
		maxPerAccount: DefaultMaxTokensPerAccount, maxTotal: DefaultMaxTokens,
	}
	for _, o := range opts {
		o(s)
	}
	if err := s.load(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// load creates the bucket if needed and reads every token into memory. A
// record that does not decode is an error: the file is the gateway's own.
func (s *TokenStore) load() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(tokensBucket)
		if err != nil {
			return fmt.Errorf("auth: token store: %w", err)
		}
		return b.ForEach(func(k, v []byte) error {
			var t storedToken
			if err := json.Unmarshal(v, &t); err != nil || t.ID != string(k) || len(t.Hash) != 32 {
				return fmt.Errorf("auth: token store: record %q is damaged", k)
			}
			s.byID[t.ID] = t
			return nil
		})
	})
}

// Close closes the store's file.
func (s *TokenStore) Close() error {
	return s.db.Close()
}

// Create makes a token for account named name that expires at expiresAt
// (never when zero). It returns the token's description and the token
// itself, which is not kept and cannot be shown again. Expired tokens of
// the account are removed first.
func (s *TokenStore) Create(ctx context.Context, account, name string, expiresAt time.Time) (Token, string, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, "", err
	}
	now := s.now()
	if err := checkTokenRequest(name, expiresAt, now); err != nil {
		return Token{}, "", err
	}
	token, id, hash := newToken()
	t := storedToken{
		Token: Token{ID: id, Account: account, Name: name, CreatedAt: now.UTC().Truncate(time.Second)},
		Hash:  hash[:],
	}
	if !expiresAt.IsZero() {
		t.ExpiresAt = expiresAt.UTC().Truncate(time.Second)
	}
	data, err := json.Marshal(t)
	if err != nil {
		return Token{}, "", fmt.Errorf("auth: encode token: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var expired []string
	held := 0
	for _, o := range s.byID {
		if o.Account != account {
			continue
		}
		if o.Expired(now) {
			expired = append(expired, o.ID)
		} else {
			held++
		}
	}
	if held >= s.maxPerAccount {
		return Token{}, "", fmt.Errorf("%w: the account holds %d, the most allowed; revoke one first", ErrTooManyTokens, held)
	}
	if len(s.byID)-len(expired) >= s.maxTotal {
		return Token{}, "", fmt.Errorf("%w: the gateway holds %d tokens, the most it keeps", ErrTooManyTokens, s.maxTotal)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(tokensBucket)
		for _, id := range expired {
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return b.Put([]byte(id), data)
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("auth: store token: %w", err)
	}
	for _, id := range expired {
		delete(s.byID, id)
	}
	s.byID[id] = t
	return t.Token, token, nil
}

// checkTokenRequest refuses a name that is too long or holds control
// characters, and an expiry in the past or beyond MaxTokenLifetime.
func checkTokenRequest(name string, expiresAt, now time.Time) error {
	if len(name) > MaxTokenNameLen {
		return fmt.Errorf("%w: the name is longer than %d bytes", ErrInvalidTokenRequest, MaxTokenNameLen)
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("%w: the name must be printable text", ErrInvalidTokenRequest)
	}
	if expiresAt.IsZero() {
		return nil
	}
	if !expiresAt.After(now) {
		return fmt.Errorf("%w: the expiry %s is not in the future", ErrInvalidTokenRequest, expiresAt.UTC().Format(time.RFC3339))
	}
	if expiresAt.Sub(now) > MaxTokenLifetime {
		return fmt.Errorf("%w: the expiry is more than %d years away", ErrInvalidTokenRequest, MaxTokenLifetime/(365*24*time.Hour))
	}
	return nil
}

// List returns the tokens of account, oldest first, expired ones
// included (their ExpiresAt says so).
func (s *TokenStore) List(ctx context.Context, account string) ([]Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []Token
	for _, t := range s.byID {
		if t.Account == account {
			out = append(out, t.Token)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Token) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Revoke deletes the token id of account. A token of another account is
// ErrTokenNotFound, exactly like one that does not exist.
func (s *TokenStore) Revoke(ctx context.Context, account, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	if !ok || t.Account != account {
		return fmt.Errorf("token %s: %w", id, ErrTokenNotFound)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(tokensBucket).Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("auth: revoke token: %w", err)
	}
	delete(s.byID, id)
	return nil
}

// Authenticate returns the token that token is, checking its secret in
// constant time and its expiry. Errors wrap ErrInvalidToken or
// ErrTokenExpired.
func (s *TokenStore) Authenticate(ctx context.Context, token string) (Token, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, err
	}
	id, secret, err := ParseToken(token)
	if err != nil {
		return Token{}, err
	}
	want := hashSecret(secret)
	s.mu.RLock()
	t, ok := s.byID[id]
	s.mu.RUnlock()
	if !ok || subtle.ConstantTimeCompare(t.Hash, want[:]) != 1 {
		return Token{}, ErrInvalidToken
	}
	if t.Expired(s.now()) {
		return Token{}, fmt.Errorf("%w on %s", ErrTokenExpired, t.ExpiresAt.Format(time.RFC3339))
	}
	return t.Token, nil
}

// TokenAccount returns the account token authenticates: the web
// interface's sessions use it.
func (s *TokenStore) TokenAccount(ctx context.Context, token string) (string, error) {
	t, err := s.Authenticate(ctx, token)
	return t.Account, err
}
