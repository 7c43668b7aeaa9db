package shardstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opensky-network/opensky/internal/storage"
)

// recover rebuilds the index from the directory: every shard with a valid
// meta file and files of the right sizes is stored; temporary files, and
// shard or leaves files without a valid meta file, are removed.
func (d *Disk) recover() error {
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("shardstore: open %s: %w", d.dir, err)
	}
	for _, ent := range ents {
		name := ent.Name()
		if !ent.IsDir() || (storage.ShardID{Object: name}).Validate() != nil {
			if name != "LOCK" {
				d.log.Warn("ignoring unknown file in shard store", "name", name)
			}
			continue
		}
		if err := d.recoverObject(name); err != nil {
			return err
		}
	}
	return nil
}

// recoverObject recovers the shards of one object's directory.
func (d *Disk) recoverObject(object string) error {
	dir := filepath.Join(d.dir, object)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("shardstore: open %s: %w", dir, err)
	}
	indices := make(map[int]bool)
	for _, ent := range ents {
		name := ent.Name()
		if strings.HasSuffix(name, extTemp) {
			d.removeLeftover(dir, name, "interrupted put")
			continue
		}
		base, ext := splitExt(name)
		index, err := strconv.Atoi(base)
		id := storage.ShardID{Object: object, Index: index}
		if err != nil || strconv.Itoa(index) != base || id.Validate() != nil ||
			(ext != extShard && ext != extLeaves && ext != extMeta) || !ent.Type().IsRegular() {
			d.log.Warn("ignoring unknown file in shard store", "name", filepath.Join(object, name))
			continue
		}
		indices[index] = true
	}
	for index := range indices {
		id := storage.ShardID{Object: object, Index: index}
		info, owner, err := d.loadShard(id)
		if err != nil {
			d.log.Warn("dropping incomplete shard", "shard", id, "err", err)
			d.removeFiles(id, false)
			continue
		}
		byIndex := d.shards[object]
		if byIndex == nil {
			byIndex = make(map[int]*entry)
			d.shards[object] = byIndex
		}
		byIndex[index] = &entry{info: info, owner: owner}
		d.used += footprint(info.Pieces)
	}
	if len(d.shards[object]) == 0 {
		_ = os.Remove(dir) // fails, harmlessly, if unknown files are left
	}
	return nil
}

// loadShard reads shard id's meta file and checks its files against it.
func (d *Disk) loadShard(id storage.ShardID) (storage.ShardInfo, string, error) {
	f, err := os.Open(d.path(id, extMeta))
	if err != nil {
		return storage.ShardInfo{}, "", err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxMetaSize+1))
	_ = f.Close()
	if err != nil {
		return storage.ShardInfo{}, "", err
	}
	info, owner, err := decodeMeta(b)
	if err != nil {
		return storage.ShardInfo{}, "", err
	}
	if info.ID != id {
		return storage.ShardInfo{}, "", fmt.Errorf("meta names shard %s", info.ID)
	}
	for ext, size := range map[string]int64{extShard: info.Size(), extLeaves: info.Pieces * int64(hashSize)} {
		fi, err := os.Stat(d.path(id, ext))
		if err != nil {
			return storage.ShardInfo{}, "", err
		}
		if fi.Size() != size {
			return storage.ShardInfo{}, "", fmt.Errorf("%s file has %d bytes, want %d", ext, fi.Size(), size)
		}
	}
	return info, owner, nil
}

// removeLeftover deletes a file an interrupted operation left behind.
func (d *Disk) removeLeftover(dir, name, why string) {
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		d.log.Warn("removing leftover file", "name", name, "why", why, "err", err)
		return
	}
	d.log.Info("removed leftover file", "name", filepath.Join(filepath.Base(dir), name), "why", why)
}

// splitExt splits "12.shard" into "12" and ".shard".
func splitExt(name string) (base, ext string) {
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return name, ""
	}
	return name[:i], name[i:]
}
