package main

import "github.com/spf13/cobra"

func newWasmCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wasm",
		Short: "Run WebAssembly modules on the network",
	}
	cmd.AddCommand(newWasmRunCmd(g))
	return cmd
}
