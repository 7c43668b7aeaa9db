package main

import (
	"github.com/spf13/cobra"
)

// storageFlags are shared by the storage commands.
type storageFlags struct {
	wallet string
}

func newStorageCmd(g *globals) *cobra.Command {
	f := &storageFlags{}
	cmd := &cobra.Command{
		Use:   "storage",
		Short: "Keep files on the network: encrypted, erasure-coded, audited and repaired",
		Long: `Files are encrypted on this machine with a fresh key per object before they
leave it (AES-256-GCM); the key is wrapped to your wallet's account, so only
that account can read them back. The ciphertext is cut into k+m shards
(Reed-Solomon, default 10+4) kept by k+m different providers: any k of them
serve a read. Every shard is audited with proofs of retrievability, and
shards that are lost are rebuilt on other providers.

put prints the object's content identifier (CID); get, status and rm take it.`,
	}
	cmd.PersistentFlags().StringVar(&f.wallet, "wallet", walletNameFlag(), "wallet whose account owns the objects (env "+envWallet+")")
	cmd.AddCommand(
		newStoragePutCmd(g, f),
		newStorageGetCmd(g, f),
		newStorageListCmd(g),
		newStorageStatusCmd(g),
		newStorageRmCmd(g),
		newStorageKeyCmd(g, f),
	)
	return cmd
}
