package chain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/types"
	cmttime "github.com/cometbft/cometbft/types/time"
)

// ErrGenesisMismatch is returned by Start when Options.Genesis differs from
// the genesis file already in the node's home.
var ErrGenesisMismatch = errors.New("chain: genesis differs from the one in the node's home")

// ErrNoGenesis is returned by Start when there is neither Options.Genesis
// nor a genesis file in the node's home.
var ErrNoGenesis = errors.New("chain: no genesis")

// Genesis is a chain's genesis document: chain ID, time, initial
// validators, consensus parameters and the application's initial state.
type Genesis struct {
	doc *types.GenesisDoc
}

// NewGenesis makes a genesis for chainID with the given validators and the
// application's initial state (passed to InitChain as app_state). The
// genesis time is now; consensus parameters are CometBFT's defaults.
func NewGenesis(chainID string, validators []ValidatorKey, appState json.RawMessage) (*Genesis, error) {
	if len(validators) == 0 {
		return nil, errors.New("chain: genesis needs at least one validator")
	}
	doc := &types.GenesisDoc{
		GenesisTime:     cmttime.Now(),
		ChainID:         chainID,
		InitialHeight:   1,
		ConsensusParams: types.DefaultConsensusParams(),
		AppState:        appState,
	}
	for i, v := range validators {
		if len(v.PubKey) != cmted25519.PubKeySize {
			return nil, fmt.Errorf("chain: genesis validator %d (%s): public key is %d bytes, want %d",
				i, v.Name, len(v.PubKey), cmted25519.PubKeySize)
		}
		pub := cmted25519.PubKey(bytes.Clone(v.PubKey))
		power := v.Power
		if power == 0 {
			power = 1
		}
		doc.Validators = append(doc.Validators, types.GenesisValidator{
			Address: pub.Address(),
			PubKey:  pub,
			Power:   power,
			Name:    v.Name,
		})
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("chain: genesis: %w", err)
	}
	return &Genesis{doc: doc}, nil
}

// LoadGenesis reads a genesis.json file.
func LoadGenesis(path string) (*Genesis, error) {
	doc, err := types.GenesisDocFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("chain: %w", err)
	}
	return &Genesis{doc: doc}, nil
}

// ChainID is the chain's ID, part of everything signed on it.
func (g *Genesis) ChainID() string { return g.doc.ChainID }

// Doc is the underlying CometBFT genesis document; do not modify it.
func (g *Genesis) Doc() *types.GenesisDoc { return g.doc }

// JSON is the genesis file's content.
func (g *Genesis) JSON() ([]byte, error) {
	b, err := cmtjson.MarshalIndent(g.doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("chain: genesis: %w", err)
	}
	return b, nil
}

// Save writes the genesis file to path.
func (g *Genesis) Save(path string) error {
	b, err := g.JSON()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("chain: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("chain: %w", err)
	}
	return nil
}

// installGenesis makes sure the node's home holds the genesis file.
// CometBFT records the file's hash at the first start and refuses a
// changed file later, so an existing file is never rewritten.
func installGenesis(cfg *cmtcfg.Config, g *Genesis) error {
	path := cfg.GenesisFile()
	onDisk, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if g == nil {
			return fmt.Errorf("%w: none given and none at %s", ErrNoGenesis, path)
		}
		return g.Save(path)
	case err != nil:
		return fmt.Errorf("chain: %w", err)
	case g == nil:
		return nil
	}
	// Compare canonical forms, so that formatting does not matter.
	doc, err := types.GenesisDocFromJSON(onDisk)
	if err != nil {
		return fmt.Errorf("chain: genesis %s: %w", path, err)
	}
	have, err := (&Genesis{doc: doc}).JSON()
	if err != nil {
		return err
	}
	want, err := g.JSON()
	if err != nil {
		return err
	}
	if !bytes.Equal(have, want) {
		return fmt.Errorf("%w: %s has chain %q, given %q", ErrGenesisMismatch, path, doc.ChainID, g.ChainID())
	}
	return nil
}
