package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// storagePath is /storage/<cid>[/<more>].
func storagePath(cid string, more ...string) string {
	p := "/storage/" + url.PathEscape(cid)
	for _, m := range more {
		p += "/" + m
	}
	return p
}

// PutObject uploads ciphertext (exactly seal.CipherLen(p.Size) bytes) as
// a stored object.
func (c *Client) PutObject(ctx context.Context, p StoragePut, ciphertext io.Reader) (*StoredObject, error) {
	q := url.Values{}
	q.Set("size", strconv.FormatInt(p.Size, 10))
	q.Set("key", base64.RawURLEncoding.EncodeToString(p.WrappedKey))
	if p.Name != "" {
		q.Set("name", p.Name)
	}
	if p.Redundancy != "" {
		q.Set("redundancy", p.Redundancy)
	}
	if p.Duration > 0 {
		q.Set("duration", p.Duration.String())
	}
	if p.Deal != "" {
		q.Set("deal", p.Deal)
	}
	if p.CID != "" {
		q.Set("cid", p.CID)
	}
	var o StoredObject
	err := c.call(ctx, request{method: http.MethodPost, path: "/storage", query: q, body: ciphertext,
		contentType: "application/octet-stream", bodySHA256: p.CipherSHA256, length: p.CipherLen}, &o)
	return &o, err
}

// Objects lists the caller's stored objects, newest first.
func (c *Client) Objects(ctx context.Context) ([]StoredObject, error) {
	var out []StoredObject
	err := c.get(ctx, "/storage", nil, &out)
	return out, err
}

// Object returns one stored object with its shards and health.
func (c *Client) Object(ctx context.Context, cid string) (*StoredObject, error) {
	var o StoredObject
	err := c.get(ctx, storagePath(cid), nil, &o)
	return &o, err
}

// GetObject writes an object's ciphertext to w and returns its length.
func (c *Client) GetObject(ctx context.Context, cid string, w io.Writer) (int64, error) {
	resp, err := c.send(ctx, request{method: http.MethodGet, path: storagePath(cid, "content")})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("download %s: %w", cid, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("download %s: got %d of %d bytes", cid, n, resp.ContentLength)
	}
	return n, nil
}

// DeleteObject removes a stored object and ends its deal.
func (c *Client) DeleteObject(ctx context.Context, cid string) error {
	return c.call(ctx, request{method: http.MethodDelete, path: storagePath(cid)}, nil)
}

// AuditObject challenges every shard of an object now.
func (c *Client) AuditObject(ctx context.Context, cid string) ([]AuditResult, error) {
	var out []AuditResult
	err := c.call(ctx, request{method: http.MethodPost, path: storagePath(cid, "audit")}, &out)
	return out, err
}

// RepairObject rebuilds an object's missing shards now, if it needs it.
func (c *Client) RepairObject(ctx context.Context, cid string) (RepairReport, error) {
	var out RepairReport
	err := c.call(ctx, request{method: http.MethodPost, path: storagePath(cid, "repair")}, &out)
	return out, err
}

// StorageQuote prices keeping size bytes with the given redundancy
// ("" for the default) for duration.
func (c *Client) StorageQuote(ctx context.Context, size int64, redundancy string, duration string) (StorageQuote, error) {
	q := url.Values{}
	q.Set("size", strconv.FormatInt(size, 10))
	if redundancy != "" {
		q.Set("redundancy", redundancy)
	}
	if duration != "" {
		q.Set("duration", duration)
	}
	var out StorageQuote
	err := c.get(ctx, "/storage/quote", q, &out)
	return out, err
}

// ObjectBlob opens a stored object with its key into the gateway's blob
// store, so that a job can take it as an input, and returns the blob.
func (c *Client) ObjectBlob(ctx context.Context, cid string, key [32]byte) (Blob, error) {
	var b Blob
	body := map[string]string{"key": base64.RawURLEncoding.EncodeToString(key[:])}
	err := c.postJSON(ctx, storagePath(cid, "blob"), body, &b)
	return b, err
}

// PublishJob stores a completed job's outputs as one object sealed to
// the account to ("" for the caller's own) and returns it.
func (c *Client) PublishJob(ctx context.Context, id, to string) (*StoredObject, error) {
	q := url.Values{}
	if to != "" {
		q.Set("to", to)
	}
	var o StoredObject
	err := c.call(ctx, request{method: http.MethodPost, path: "/jobs/" + url.PathEscape(id) + "/publish", query: q}, &o)
	return &o, err
}
