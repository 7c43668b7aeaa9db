package chain

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
)

// ValidatorKey is the public side of a node's keys, what a genesis file
// and its peers need to know about it.
type ValidatorKey struct {
	Name   string            // moniker / genesis validator name
	PubKey ed25519.PublicKey // consensus key (priv_validator_key.json)
	Power  int64             // voting power in the genesis; 0 in NewGenesis means 1
	NodeID string            // p2p identity (node_key.json), for "id@host:port"
}

// Address is the CometBFT validator address (hex), as blocks and the
// validator set name it.
func (k ValidatorKey) Address() string {
	return cmted25519.PubKey(k.PubKey).Address().String()
}

// InitValidator makes sure dir has a consensus key
// (config/priv_validator_key.json with data/priv_validator_state.json) and
// a node key (config/node_key.json), creating what is missing and keeping
// what exists, and returns their public side. Its Name is the base of dir
// and its Power 1.
func InitValidator(dir string) (ValidatorKey, error) {
	cfg := cmtcfg.DefaultConfig()
	cfg.SetRoot(dir)
	pv, nk, err := loadOrGenKeys(cfg)
	if err != nil {
		return ValidatorKey{}, err
	}
	pub, err := pv.GetPubKey()
	if err != nil {
		return ValidatorKey{}, fmt.Errorf("chain: validator key: %w", err)
	}
	return ValidatorKey{
		Name:   filepath.Base(dir),
		PubKey: ed25519.PublicKey(pub.Bytes()),
		Power:  1,
		NodeID: string(nk.ID()),
	}, nil
}

// loadOrGenKeys loads or creates the node's consensus and p2p keys.
//
// privval.LoadFilePV exits the process on a missing or corrupt file, so the
// files are checked here first and a broken one is an error instead.
func loadOrGenKeys(cfg *cmtcfg.Config) (*privval.FilePV, *p2p.NodeKey, error) {
	for _, d := range []string{filepath.Dir(cfg.PrivValidatorKeyFile()), filepath.Dir(cfg.PrivValidatorStateFile())} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, nil, fmt.Errorf("chain: %w", err)
		}
	}
	nk, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, nil, fmt.Errorf("chain: node key %s: %w", cfg.NodeKeyFile(), err)
	}
	pv, err := loadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile())
	if err != nil {
		return nil, nil, err
	}
	return pv, nk, nil
}

func loadOrGenFilePV(keyFile, stateFile string) (*privval.FilePV, error) {
	keyJSON, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		pv := privval.NewFilePV(cmted25519.GenPrivKey(), keyFile, stateFile)
		if err := savePV(pv.Save); err != nil {
			return nil, err
		}
		return pv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("chain: validator key: %w", err)
	}
	var key privval.FilePVKey
	if err := cmtjson.Unmarshal(keyJSON, &key); err != nil {
		return nil, fmt.Errorf("chain: validator key %s: %w", keyFile, err)
	}
	if key.PrivKey == nil {
		return nil, fmt.Errorf("chain: validator key %s: no private key", keyFile)
	}

	stateJSON, err := os.ReadFile(stateFile)
	if errors.Is(err, os.ErrNotExist) {
		// A key without a sign state has not signed anything here yet.
		pv := privval.NewFilePV(key.PrivKey, keyFile, stateFile)
		if err := savePV(pv.LastSignState.Save); err != nil {
			return nil, err
		}
		return pv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("chain: validator state: %w", err)
	}
	var state privval.FilePVLastSignState
	if err := cmtjson.Unmarshal(stateJSON, &state); err != nil {
		return nil, fmt.Errorf("chain: validator state %s: %w", stateFile, err)
	}
	return privval.LoadFilePV(keyFile, stateFile), nil
}

// savePV runs one of privval's Save methods, which panic on I/O errors.
func savePV(save func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("chain: saving validator key: %v", r)
		}
	}()
	save()
	return nil
}
