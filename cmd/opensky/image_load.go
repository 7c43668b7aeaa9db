package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/executor/docker"
)

func newImageLoadCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "load FILE.tar [FILE.tar...]",
		Short: "Import images into this machine's Docker engine, for a provider without a registry",
		Long: `Import images saved with docker save into the Docker engine of this machine,
so that a provider that cannot reach a registry can run jobs naming them.
It talks to the local engine, not to a gateway.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			ctx := cmd.Context()
			e, err := docker.New(ctx)
			if err != nil {
				return err
			}
			defer e.Close(ctx)
			for _, name := range files {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				loaded, err := e.LoadImage(ctx, f)
				f.Close()
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				for _, img := range loaded {
					fmt.Fprintf(cmd.OutOrStdout(), "loaded %s\n", img)
				}
			}
			return nil
		},
	}
}
