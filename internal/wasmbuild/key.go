package wasmbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// listFormat prints, for every non-standard package in the build, its
// import path, directory and the files that go into it.
const listFormat = `{{if not .Standard}}{{.ImportPath}}|{{.Dir}}|` +
	`{{join .GoFiles ","}}|{{join .EmbedFiles ","}}{{end}}`

// sourceKey hashes the Go version, the module's go.mod and go.sum and the
// source files of every non-standard package pkg depends on, as built for
// wasip1/wasm.
func sourceKey(ctx context.Context, goTool, root, version, pkg string) (string, error) {
	cmd := exec.CommandContext(ctx, goTool, "list", "-deps", "-f", listFormat, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), targetEnv...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	msg, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("wasmbuild: go list %s: %w\n%s", pkg, err, stderr.String())
	}

	h := sha256.New()
	fmt.Fprintf(h, "%s\n", version)
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := hashFile(h, filepath.Join(root, f)); err != nil && !os.IsNotExist(err) {
			return "", fmt.Errorf("wasmbuild: %w", err)
		}
	}
	for line := range strings.Lines(string(msg)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		fields := strings.Split(line, "|")
		if len(fields) != 4 {
			return "", fmt.Errorf("wasmbuild: go list: unexpected line %q", line)
		}
		fmt.Fprintf(h, "%s\n", fields[0])
		for _, name := range append(strings.Split(fields[2], ","), strings.Split(fields[3], ",")...) {
			if name == "" {
				continue
			}
			fmt.Fprintf(h, "%s\n", name)
			if err := hashFile(h, filepath.Join(fields[1], name)); err != nil {
				return "", fmt.Errorf("wasmbuild: %w", err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// hashFile writes the length and contents of the file at p to w.
func hashFile(w io.Writer, p string) error {
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d\n", len(data))
	_, err = w.Write(data)
	return err
}
