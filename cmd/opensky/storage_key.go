package main

import (
	"encoding/base64"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/storage/seal"
)

func newStorageKeyCmd(g *globals, f *storageFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "key CID",
		Short: "Print a stored object's content key, to open the object in a browser",
		Long: `key unwraps the object's content key with your wallet and prints it, in the
form the web interface takes: an object's page downloads and decrypts it in the
browser with that key, where no wallet can unwrap it.

Anyone who has the key and can fetch the object reads it, so the key is as
sensitive as the object itself: paste it only into your gateway's page, and
do not keep it where others can see it.`,
		Example: `  opensky storage key bafkrei… | xclip -selection clipboard`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cid := args[0]
			if err := seal.ParseCID(cid); err != nil {
				return err
			}
			obj, err := g.client().Object(cmd.Context(), cid)
			if err != nil {
				return err
			}
			key, err := objectKey(g, f.wallet, obj)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "warning: anyone with this key and access to %s can read it; keep it as safe as the object itself\n", cid)
			_, err = fmt.Fprintln(cmd.OutOrStdout(), base64.RawURLEncoding.EncodeToString(key[:]))
			return err
		},
	}
}
