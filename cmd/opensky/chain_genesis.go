package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/chain"
	"github.com/opensky-network/opensky/internal/identity"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// validatorLine is how 'chain init' prints a validator and 'chain
// genesis --validator' reads it: NAME:PUBKEY:NODEID[:POWER].
func validatorLine(k chain.ValidatorKey) string {
	return fmt.Sprintf("%s:%s:%s", k.Name, base64.StdEncoding.EncodeToString(k.PubKey), k.NodeID)
}

func parseValidatorLine(s string) (chain.ValidatorKey, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 || len(parts) > 4 {
		return chain.ValidatorKey{}, fmt.Errorf("validator %q: want NAME:PUBKEY:NODEID[:POWER] as 'opensky chain init' prints it", s)
	}
	pub, err := base64.StdEncoding.DecodeString(parts[1])
	if err != nil || len(pub) != 32 {
		return chain.ValidatorKey{}, fmt.Errorf("validator %q: the public key must be 32 bytes of base64", s)
	}
	k := chain.ValidatorKey{Name: parts[0], PubKey: pub, NodeID: parts[2], Power: 1}
	if len(parts) == 4 {
		if k.Power, err = strconv.ParseInt(parts[3], 10, 64); err != nil || k.Power <= 0 {
			return k, fmt.Errorf("validator %q: power must be a positive integer", s)
		}
	}
	return k, nil
}

func newChainInitCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create this node's validator keys and print them for the genesis",
		Long: `Create (or read) the consensus and node keys of a validator whose data
directory is --data-dir, under DATA_DIR/chain, and print the line that
'opensky chain genesis --validator' takes. Collect one line from every
validator, build the genesis once, and give every validator the same file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataDir == "" {
				dataDir = defaultDataDir()
			}
			k, err := chain.InitValidator(filepath.Join(dataDir, "chain"))
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), validatorLine(k))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "the validator node's data directory (default ~/.opensky)")
	return cmd
}

func newChainGenesisCmd() *cobra.Command {
	var (
		chainID    string
		validators []string
		accounts   []string
		out        string
		feeBps     int64
		minStake   string
		bridge     string
		arbiters   []string
	)
	cmd := &cobra.Command{
		Use:   "genesis",
		Short: "Write the genesis file of a new OpenSky chain",
		Example: `  opensky chain genesis --chain-id opensky-test \
    --validator "$(opensky chain init --data-dir v0)" --validator "$(opensky chain init --data-dir v1)" \
    --account 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY=1000 -o genesis.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(validators) == 0 {
				return fmt.Errorf("at least one --validator is needed")
			}
			var keys []chain.ValidatorKey
			for _, v := range validators {
				k, err := parseValidatorLine(v)
				if err != nil {
					return err
				}
				keys = append(keys, k)
			}
			g := ledger.Genesis{Params: ledger.DefaultParams(), Accounts: []ledger.GenesisAccount{}}
			g.Params.FeeBps, g.Params.Bridge = feeBps, bridge
			for _, a := range arbiters {
				canon, err := identity.CanonicalAddress(a)
				if err != nil {
					return fmt.Errorf("arbiter %q: %w", a, err)
				}
				g.Params.Arbiters = append(g.Params.Arbiters, canon)
			}
			if len(g.Params.Arbiters) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: no --arbiter: no escrow can be locked on this chain until one is named")
			}
			if minStake != "" {
				v, err := spec.ParseMicroUSD(minStake)
				if err != nil {
					return fmt.Errorf("--min-stake: %w", err)
				}
				g.Params.MinStake = int64(v)
			}
			for _, a := range accounts {
				addr, amount, ok := strings.Cut(a, "=")
				if !ok {
					return fmt.Errorf("account %q: want ADDRESS=USD", a)
				}
				addr, err := identity.CanonicalAddress(addr)
				if err != nil {
					return fmt.Errorf("account %q: %w", a, err)
				}
				v, err := spec.ParseMicroUSD(amount)
				if err != nil {
					return fmt.Errorf("account %q: %w", a, err)
				}
				g.Accounts = append(g.Accounts, ledger.GenesisAccount{Address: addr, Balance: int64(v)})
			}
			if err := g.Validate(); err != nil {
				return err
			}
			state, err := json.Marshal(g)
			if err != nil {
				return err
			}
			gen, err := chain.NewGenesis(chainID, keys, state)
			if err != nil {
				return err
			}
			if out == "-" {
				b, err := gen.JSON()
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(append(b, '\n'))
				return err
			}
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("%s exists: a genesis is written once; remove it to start a new chain", out)
			}
			if err := gen.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: chain %s, %d validator(s), %d account(s)\n", out, chainID, len(keys), len(g.Accounts))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&chainID, "chain-id", "opensky-1", "the chain's ID, part of every signed transaction")
	f.StringArrayVar(&validators, "validator", nil, "a validator, as 'opensky chain init' prints it (repeat)")
	f.StringArrayVar(&accounts, "account", nil, "an account funded at genesis, ADDRESS=USD (repeat)")
	f.StringVarP(&out, "output", "o", "genesis.json", "file to write, or - for standard output")
	f.Int64Var(&feeBps, "fee-bps", ledger.DefaultParams().FeeBps, "protocol fee in basis points of provider payouts")
	f.StringVar(&minStake, "min-stake", "", "least stake a provider registers with, USD (default 10)")
	f.StringVar(&bridge, "bridge", "", "the bridge account allowed to mint deposits")
	f.StringArrayVar(&arbiters, "arbiter", nil, "an orchestrator's account that may settle escrows: a gateway's chain account (repeat)")
	return cmd
}

// defaultDataDir is a node's data directory unless told otherwise.
func defaultDataDir() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "opensky")
	}
	return filepath.Join(home, ".opensky")
}
