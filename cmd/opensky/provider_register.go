package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/ledger/ledgerclient"
	"github.com/opensky-network/opensky/internal/spec"
)

// peerKeyFile is the node's libp2p key in its data directory.
const peerKeyFile = "peer.key"

// providerRegisterFlags are the options of `opensky provider register`.
type providerRegisterFlags struct {
	wallet, dataDir, output string
	stake, price, minPrice  string
	cpu, memory, disk       string
	gpus                    int64
}

func newProviderRegisterCmd(g *globals) *cobra.Command {
	var f providerRegisterFlags
	def := config.Default().Provider
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Register this machine's provider node on the chain with the wallet's stake",
		Long: `Register the provider node whose data directory is --data-dir (its libp2p
key is DIR/peer.key) as a provider paid to the wallet's account, staking
--stake US dollars from the account's balance. The node's key signs the
binding, so no one can claim another's node. Start the node once first
('opensky node') so that its key exists: this command never creates one.

Stake can be slashed for proven wrong results; 'opensky provider unregister'
returns it after the unbonding period.`,
		Example: `  opensky provider register --stake 10 --cpu 4 --memory 8Gi --disk 50Gi`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return providerRegister(cmd, g, &f)
		},
	}
	fl := cmd.Flags()
	addWalletFlag(cmd, &f.wallet, "wallet whose account stakes and is paid")
	fl.StringVar(&f.dataDir, "data-dir", cmp.Or(os.Getenv("OPENSKY_DATA_DIR"), config.Default().DataDir), "the provider node's data directory, which holds peer.key (env OPENSKY_DATA_DIR)")
	fl.StringVar(&f.stake, "stake", "10", "stake in US dollars, moved from the wallet's balance")
	fl.StringVar(&f.price, "price-per-cpu-second", def.PricePerCPUSecond, "price in US dollars per CPU-second")
	fl.StringVar(&f.minPrice, "min-price", def.MinPrice, "least price of one task in US dollars")
	fl.StringVar(&f.cpu, "cpu", "", "CPU offered, in cores (e.g. 4, 0.5, 500m)")
	fl.StringVar(&f.memory, "memory", "", "memory offered (e.g. 8Gi)")
	fl.StringVar(&f.disk, "disk", "", "disk offered (e.g. 50Gi)")
	fl.Int64Var(&f.gpus, "gpus", 0, "GPUs offered")
	addFormatFlag(cmd, &f.output, formatTable, formatJSON, formatYAML)
	return cmd
}

func providerRegister(cmd *cobra.Command, g *globals, f *providerRegisterFlags) error {
	offer, err := f.offer()
	if err != nil {
		return err
	}
	keyPath := filepath.Join(f.dataDir, peerKeyFile)
	key, err := readPeerKey(keyPath)
	if err != nil {
		return err
	}
	acct, err := loadWallet(g, f.wallet)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	c := g.client()
	info, err := chainInfo(ctx, c)
	if err != nil {
		return err
	}
	msg, err := ledgerclient.RegisterMsg(info.ChainID, acct.Address(), key, offer)
	if err != nil {
		return fmt.Errorf("peer key %s: %w", keyPath, err)
	}
	res, _, err := sendTx(ctx, c, info.ChainID, acct, msg)
	if err != nil {
		return fmt.Errorf("register peer %s to %s: %w", msg.PeerID, acct.Address(), err)
	}
	if f.output != formatTable {
		return printData(cmd.OutOrStdout(), f.output, res)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "registered peer %s as a provider paid to %s, staking %s (%s)\n",
		msg.PeerID, acct.Address(), ledger.FormatUSD(offer.Stake), txLine(res))
	return err
}

// offer parses the prices and capacity flags.
func (f *providerRegisterFlags) offer() (ledgerclient.Offer, error) {
	var (
		o   ledgerclient.Offer
		err error
	)
	if o.Stake, err = parseUSD("--stake", f.stake, false); err != nil {
		return o, err
	}
	if o.PricePerCPUSecond, err = parseUSD("--price-per-cpu-second", f.price, true); err != nil {
		return o, err
	}
	if o.MinPrice, err = parseUSD("--min-price", f.minPrice, true); err != nil {
		return o, err
	}
	if f.cpu != "" {
		v, err := spec.ParseMilliCPU(f.cpu)
		if err != nil {
			return o, fmt.Errorf("--cpu: %w", err)
		}
		o.Capacity.MilliCPU = int64(v)
	}
	for _, s := range []struct {
		flag, v string
		dst     *int64
	}{{"--memory", f.memory, &o.Capacity.MemoryBytes}, {"--disk", f.disk, &o.Capacity.DiskBytes}} {
		if s.v == "" {
			continue
		}
		v, err := spec.ParseByteSize(s.v)
		if err != nil {
			return o, fmt.Errorf("%s: %w", s.flag, err)
		}
		*s.dst = int64(v)
	}
	if f.gpus < 0 {
		return o, fmt.Errorf("--gpus must not be negative")
	}
	o.Capacity.GPUs = f.gpus
	return o, nil
}

// readPeerKey reads the node's existing libp2p key. Unlike the node, it
// never creates one: a new key would be a peer no node runs.
func readPeerKey(path string) (crypto.PrivKey, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no peer key at %s: start the provider node once ('opensky node') so that it creates its key, or point --data-dir at the node's data directory", path)
	}
	if err != nil {
		return nil, fmt.Errorf("peer key: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("peer key %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("peer key %s has mode %04o: other users may read it; chmod 600 it", path, perm)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("peer key: %w", err)
	}
	key, err := crypto.UnmarshalPrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("peer key %s: %w", path, err)
	}
	if _, err := peer.IDFromPrivateKey(key); err != nil {
		return nil, fmt.Errorf("peer key %s: %w", path, err)
	}
	return key, nil
}
