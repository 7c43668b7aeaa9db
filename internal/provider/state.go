package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/peer"
)

// stateDir returns the directory of a named state volume, creating it. A
// volume belongs to the orchestrator that dispatched the task: the same
// name from another orchestrator is another volume.
func (p *Provider) stateDir(owner peer.ID, name string) (string, error) {
	sum := sha256.Sum256([]byte(owner.String() + "/" + name))
	dir := filepath.Join(p.cfg.DataDir, "state", hex.EncodeToString(sum[:16]))
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return "", fmt.Errorf("%w: state volume: %w", errStaging, err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return "", fmt.Errorf("%w: state volume: %w", errStaging, err)
	}
	return dir, nil
}
