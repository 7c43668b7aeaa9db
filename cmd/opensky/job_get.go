package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

func newJobGetCmd(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "get ID -o DIR",
		Short: "Download a job's output files into a directory",
		Long: `Download every output file of a job into DIR, checking each against its hash.
A job with one shard writes DIR/PATH; with several, DIR/shard-N/PATH. Paths
that would land outside DIR are refused. When the job's outputs were
published ('opensky job publish'), they come from the storage network,
decrypted with your wallet and checked against their CID.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return jobGet(cmd.Context(), g.client(), args[0], dir, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "directory to write the files into (created if missing)")
	_ = cmd.MarkFlagRequired("output")
	return cmd
}

// jobGet downloads the outputs of job id into dir.
func jobGet(ctx context.Context, c *api.Client, id, dir string, stdout, stderr io.Writer) error {
	j, err := c.GetJob(ctx, id)
	if err != nil {
		return err
	}
	files, err := c.Outputs(ctx, id)
	if err != nil {
		return err
	}
	if !j.Phase.Terminal() {
		fmt.Fprintf(stderr, "job %s is still %s: its outputs may be incomplete\n", id, j.Phase)
	}
	if done, err := getPublished(ctx, c, id, dir, stdout, stderr); done || err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "job %s has no output files (phase %s)\n", id, j.Phase)
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	perShard := j.Spec.Shards > 1
	var refused, failed int
	for _, f := range files {
		rel, ok := localOutputPath(f, perShard)
		if !ok {
			fmt.Fprintf(stderr, "refusing output %q of shard %d: it would be written outside %s\n", f.Path, f.Shard, dir)
			refused++
			continue
		}
		if err := download(ctx, c, root, id, f, rel); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", filepath.Join(dir, rel), err)
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s\t%s\n", filepath.Join(dir, rel), bytesize(f.Size))
	}
	switch {
	case refused > 0 && failed > 0:
		return fmt.Errorf("refused %d and failed to download %d output file(s)", refused, failed)
	case refused > 0:
		return fmt.Errorf("refused %d output file(s) whose path escapes %s", refused, dir)
	case failed > 0:
		return fmt.Errorf("failed to download %d output file(s)", failed)
	}
	return nil
}

// localOutputPath returns where under the target directory an output file
// goes, and false when its path is not a plain relative path.
func localOutputPath(f api.OutputFile, perShard bool) (string, bool) {
	p := f.Path
	if p == "" || strings.ContainsRune(p, '\\') || strings.ContainsRune(p, 0) || path.Clean(p) != p {
		return "", false
	}
	rel := filepath.FromSlash(p)
	if !filepath.IsLocal(rel) {
		return "", false
	}
	if perShard {
		rel = filepath.Join(fmt.Sprintf("shard-%d", f.Shard), rel)
	}
	return rel, true
}

// download writes one output file under root, verifying its hash, through
// a temporary file so that a failed download leaves nothing behind.
func download(ctx context.Context, c *api.Client, root *os.Root, id string, f api.OutputFile, rel string) error {
	if d := filepath.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	tmp := rel + ".opensky-partial"
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	var h hash.Hash
	w := io.Writer(out)
	if spec.IsBlobRef(f.Hash) {
		h = sha256.New()
		w = io.MultiWriter(out, h)
	}
	err = c.DownloadOutput(ctx, id, f.Shard, f.Path, w)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && h != nil {
		if got := spec.BlobPrefix + hex.EncodeToString(h.Sum(nil)); got != f.Hash {
			err = errors.New("content does not match its hash " + f.Hash)
		}
	}
	if err != nil {
		_ = root.Remove(tmp)
		return err
	}
	return root.Rename(tmp, rel)
}
