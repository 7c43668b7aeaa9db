package shardstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/opensky-network/opensky/internal/storage"
)

// metaVersion is the version of the meta file format.
const metaVersion = 1

// maxMetaSize bounds a meta file; a valid one is a few hundred bytes.
const maxMetaSize = 4 << 10

// MaxOwnerLen bounds the owner a shard records.
const MaxOwnerLen = 256

// meta is what a shard's .meta file holds.
type meta struct {
	Version int             `json:"version"`
	ID      storage.ShardID `json:"id"`
	Pieces  int64           `json:"pieces"`
	Root    string          `json:"root"`
	Owner   string          `json:"owner,omitempty"`
}

// encodeMeta returns the meta file of a committed shard.
func encodeMeta(info storage.ShardInfo, owner string) ([]byte, error) {
	b, err := json.Marshal(meta{Version: metaVersion, ID: info.ID, Pieces: info.Pieces,
		Root: info.Root.String(), Owner: owner})
	if err != nil {
		return nil, fmt.Errorf("shardstore: encode meta of %s: %w", info.ID, err)
	}
	return append(b, '\n'), nil
}

// decodeMeta reads a meta file, refusing anything a Disk would not have
// written: unknown fields, another version, an invalid shard.
func decodeMeta(b []byte) (storage.ShardInfo, string, error) {
	if len(b) > maxMetaSize {
		return storage.ShardInfo{}, "", fmt.Errorf("meta of %d bytes, limit %d", len(b), maxMetaSize)
	}
	var m meta
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return storage.ShardInfo{}, "", fmt.Errorf("meta: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return storage.ShardInfo{}, "", errors.New("meta: trailing data")
	}
	if m.Version != metaVersion {
		return storage.ShardInfo{}, "", fmt.Errorf("meta version %d, want %d", m.Version, metaVersion)
	}
	if err := m.ID.Validate(); err != nil {
		return storage.ShardInfo{}, "", err
	}
	if m.Pieces < 1 || m.Pieces > maxPieces {
		return storage.ShardInfo{}, "", fmt.Errorf("meta: %d pieces", m.Pieces)
	}
	root, err := storage.ParseHash(m.Root)
	if err != nil {
		return storage.ShardInfo{}, "", err
	}
	if len(m.Owner) > MaxOwnerLen {
		return storage.ShardInfo{}, "", fmt.Errorf("meta: owner of %d bytes", len(m.Owner))
	}
	return storage.ShardInfo{ID: m.ID, Pieces: m.Pieces, Root: root}, m.Owner, nil
}
