package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Params are the chain's rules, fixed at genesis.
type Params struct {
	// FeeBps is the protocol fee in basis points of what providers are
	// paid (100 = 1%), charged to the escrow and paid to the treasury.
	FeeBps int64 `json:"feeBps"`
	// SlashBps is the share of a provider's stake taken for each proven
	// wrong result, in basis points; it goes to the harmed consumer.
	SlashBps int64 `json:"slashBps"`
	// MinStake is the least stake a provider registers with.
	MinStake int64 `json:"minStake"`
	// UnbondingBlocks is how long a retired provider's stake stays
	// slashable before it returns to its balance.
	UnbondingBlocks int64 `json:"unbondingBlocks"`
	// ReputationDecay is the weight (parts per million) that old
	// verification outcomes keep at each new one.
	ReputationDecay int64 `json:"reputationDecay"`
	// Bridge is the account that mints deposits; empty means no deposits.
	Bridge string `json:"bridge,omitempty"`
	// Arbiters are the accounts escrows may name to settle them: the
	// orchestrators the network trusts with the verdict on results.
	Arbiters []string `json:"arbiters"`
}

// DefaultParams are the rules of a new network.
func DefaultParams() Params {
	return Params{
		FeeBps:          100,
		SlashBps:        1000,
		MinStake:        10 * USD,
		UnbondingBlocks: 1000,
		ReputationDecay: 990_000,
	}
}

func (p Params) validate() error {
	switch {
	case p.FeeBps < 0 || p.FeeBps > 5000:
		return fmt.Errorf("params: feeBps must be 0 to 5000")
	case p.SlashBps < 0 || p.SlashBps > 10000:
		return fmt.Errorf("params: slashBps must be 0 to 10000")
	case p.MinStake < 0 || p.MinStake > MaxAmount:
		return fmt.Errorf("params: minStake out of range")
	case p.UnbondingBlocks < 1:
		return fmt.Errorf("params: unbondingBlocks must be at least 1, so that stake stays slashable after a provider leaves")
	case p.ReputationDecay <= 0 || p.ReputationDecay >= ppm:
		// Below one, old weights shrink, so α and β stay under
		// ppm/(1-decay) and the score's arithmetic cannot overflow.
		return fmt.Errorf("params: reputationDecay must be 1 to %d", ppm-1)
	}
	if p.Bridge != "" {
		if err := checkAddress("params: bridge", p.Bridge); err != nil {
			return err
		}
	}
	if len(p.Arbiters) > 64 {
		return fmt.Errorf("params: at most 64 arbiters")
	}
	for i, a := range p.Arbiters {
		if err := checkAddress(fmt.Sprintf("params: arbiters[%d]", i), a); err != nil {
			return err
		}
	}
	return nil
}

// GenesisAccount is an account funded at genesis.
type GenesisAccount struct {
	Address string `json:"address"`
	Balance int64  `json:"balance"`
}

// Genesis is the chain's initial state: the app_state of CometBFT's
// genesis file.
type Genesis struct {
	Params   Params           `json:"params"`
	Accounts []GenesisAccount `json:"accounts"`
}

// ParseGenesis decodes and checks an app state.
func ParseGenesis(b []byte) (Genesis, error) {
	var g Genesis
	if len(b) == 0 {
		return g, fmt.Errorf("genesis: empty app state")
	}
	if len(b) > MaxGenesisBytes {
		return g, fmt.Errorf("genesis: app state is %d bytes, the limit is %d", len(b), MaxGenesisBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("genesis: %w", err)
	}
	if dec.More() {
		return g, fmt.Errorf("genesis: data after the app state")
	}
	return g, g.Validate()
}

// Validate checks the genesis: valid params, valid distinct accounts, and
// a total supply that cannot overflow.
func (g Genesis) Validate() error {
	if err := g.Params.validate(); err != nil {
		return err
	}
	seen := map[string]bool{}
	var total int64
	for i, a := range g.Accounts {
		if err := checkAddress(fmt.Sprintf("genesis: accounts[%d]", i), a.Address); err != nil {
			return err
		}
		if seen[a.Address] {
			return fmt.Errorf("genesis: account %s listed twice", a.Address)
		}
		seen[a.Address] = true
		if a.Balance < 0 || a.Balance > MaxAmount {
			return fmt.Errorf("genesis: accounts[%d]: balance out of range", i)
		}
		total += a.Balance
		if total > MaxSupply {
			return fmt.Errorf("genesis: total supply exceeds %d", MaxSupply)
		}
	}
	return nil
}

// MaxGenesisBytes bounds the genesis app state.
const MaxGenesisBytes = 64 << 20

// MaxSupply bounds the total supply so that no sum of amounts overflows.
const MaxSupply int64 = 1 << 60
