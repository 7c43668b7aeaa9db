package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/identity"
)

func newWalletListCmd(_ *globals, w *walletFlags) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the wallets with their addresses",
		Long: `List the wallets in $OPENSKY_HOME/wallets with their addresses; the one
--wallet selects is marked with *.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := listWallets()
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(cmd.OutOrStdout(), output, ws)
			}
			if len(ws) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "no wallets in %s: create one with 'opensky wallet new'\n", walletDir())
				return nil
			}
			t := newTable(cmd.OutOrStdout(), "", "NAME", "ADDRESS")
			for _, wi := range ws {
				mark, addr := "", wi.Address
				if wi.Name == w.name {
					mark = "*"
				}
				if wi.Error != "" {
					addr = "unreadable: " + wi.Error
				}
				t.row(mark, wi.Name, addr)
			}
			return t.flush()
		},
	}
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// listWallets reads the address of every wallet in walletDir, by name.
// A file that is not a readable keystore is listed with its error.
func listWallets() ([]walletInfo, error) {
	dir := walletDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []walletInfo{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list wallets: %w", err)
	}
	ws := []walletInfo{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || !walletNameRE.MatchString(name) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		wi := walletInfo{Name: name, File: path}
		if wi.Address, err = identity.ReadAddress(path); err != nil {
			wi.Error = err.Error()
		}
		ws = append(ws, wi)
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Name < ws[j].Name })
	return ws, nil
}
