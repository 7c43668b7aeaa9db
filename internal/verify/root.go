package verify

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// Leaf is one named item under an output root.
type Leaf struct {
	Path string
	Hash [32]byte
}

// Reserved leaf paths that commit a task's exit code and logs next to its
// files. Output files live under "outputs/".
const (
	LeafExitCode = ".opensky/exit_code"
	LeafStdout   = ".opensky/stdout"
	LeafStderr   = ".opensky/stderr"
)

// Domain-separation prefixes of the Merkle tree.
const (
	tagLeaf  = 0x00
	tagNode  = 0x01
	tagEmpty = 0x02
)

// ErrNotRegular is returned for output entries that are neither regular
// files nor directories (symlinks, devices), which are never collected.
var ErrNotRegular = errors.New("output is not a regular file")

// Root computes the Merkle root over leaves, sorted by path, as a CIDv1
// (raw codec, sha2-256). Paths must be unique.
func Root(leaves []Leaf) (cid.Cid, error) {
	sorted := slices.Clone(leaves)
	slices.SortFunc(sorted, func(a, b Leaf) int { return strings.Compare(a.Path, b.Path) })
	level := make([][32]byte, 0, len(sorted))
	for i, l := range sorted {
		if i > 0 && sorted[i-1].Path == l.Path {
			return cid.Undef, fmt.Errorf("duplicate leaf path %q", l.Path)
		}
		level = append(level, leafHash(l))
	}
	return toCID(merkle(level))
}

func leafHash(l Leaf) [32]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	h.Write([]byte{tagLeaf})
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(l.Path)))])
	h.Write([]byte(l.Path))
	h.Write(l.Hash[:])
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func merkle(level [][32]byte) [32]byte {
	if len(level) == 0 {
		return sha256.Sum256([]byte{tagEmpty})
	}
	for len(level) > 1 {
		next := level[:0:0]
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
				continue
			}
			buf := make([]byte, 0, 65)
			buf = append(buf, tagNode)
			buf = append(buf, level[i][:]...)
			buf = append(buf, level[i+1][:]...)
			next = append(next, sha256.Sum256(buf))
		}
		level = next
	}
	return level[0]
}

func toCID(sum [32]byte) (cid.Cid, error) {
	mh, err := multihash.Encode(sum[:], multihash.SHA2_256)
	if err != nil {
		return cid.Undef, fmt.Errorf("encode multihash: %w", err)
	}
	return cid.NewCidV1(cid.Raw, mh), nil
}

// FileLeaves hashes every regular file under dir; each leaf's path is
// "outputs/" plus the slash-separated path relative to dir. A missing dir
// gives no leaves. Symlinks and other special files are an error.
func FileLeaves(dir string) ([]Leaf, error) {
	var leaves []Leaf
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: %w", filepath.ToSlash(rel), ErrNotRegular)
		}
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		leaves = append(leaves, Leaf{Path: "outputs/" + filepath.ToSlash(rel), Hash: sum})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash outputs: %w", err)
	}
	return leaves, nil
}

func hashFile(p string) ([32]byte, error) {
	var sum [32]byte
	f, err := os.Open(p)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	h.Sum(sum[:0])
	return sum, nil
}

// FileLeaf is the leaf of one output file, rel being its slash-separated
// path under the outputs directory.
func FileLeaf(rel string, data []byte) Leaf {
	return Leaf{Path: "outputs/" + rel, Hash: sha256.Sum256(data)}
}

// ResultRoot is the output root a receipt commits to: the output file
// leaves plus the exit code, stdout and stderr of the task.
func ResultRoot(files []Leaf, exitCode int, stdout, stderr []byte) (cid.Cid, error) {
	leaves := append(slices.Clone(files),
		Leaf{Path: LeafExitCode, Hash: sha256.Sum256([]byte(strconv.Itoa(exitCode)))},
		Leaf{Path: LeafStdout, Hash: sha256.Sum256(stdout)},
		Leaf{Path: LeafStderr, Hash: sha256.Sum256(stderr)},
	)
	return Root(leaves)
}

// TaskRoot is ResultRoot over the files under outputDir.
func TaskRoot(outputDir string, exitCode int, stdout, stderr []byte) (cid.Cid, error) {
	leaves, err := FileLeaves(outputDir)
	if err != nil {
		return cid.Undef, err
	}
	return ResultRoot(leaves, exitCode, stdout, stderr)
}

// JobRoot combines the roots of a job's shards, in shard order.
func JobRoot(shardRoots []string) (cid.Cid, error) {
	leaves := make([]Leaf, len(shardRoots))
	for i, r := range shardRoots {
		leaves[i] = Leaf{Path: fmt.Sprintf("shard/%08d", i), Hash: sha256.Sum256([]byte(r))}
	}
	return Root(leaves)
}
