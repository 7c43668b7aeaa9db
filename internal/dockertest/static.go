package dockertest

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
)

// testprogSource is the source of the program inside StaticImage.
//
//go:embed testprog/*.go
var testprogSource embed.FS

const staticDockerfile = `FROM scratch
COPY testprog /testprog
ENTRYPOINT ["/testprog"]
`

// staticContext returns the build context of StaticImage. Its hash covers
// the program's source, the Go release compiling it and the Dockerfile.
func staticContext(context.Context) (*buildContext, error) {
	names, err := fs.Glob(testprogSource, "testprog/*.go")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "static/v1\n%s\n%s\n", runtime.Version(), staticDockerfile)
	for _, n := range names {
		data, err := testprogSource.ReadFile(n)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(data))
		h.Write(data)
	}
	return &buildContext{
		hash: hex.EncodeToString(h.Sum(nil)),
		files: func(ctx context.Context) ([]contextFile, error) {
			bin, err := compileTestprog(ctx, names)
			if err != nil {
				return nil, err
			}
			return []contextFile{
				{name: "Dockerfile", mode: 0o644, data: []byte(staticDockerfile)},
				{name: "testprog", mode: 0o755, data: bin},
			}, nil
		},
	}, nil
}

// compileTestprog builds the embedded program as a static Linux binary
// (no cgo) for the machine's architecture, in a module of its own, and
// returns the binary.
func compileTestprog(ctx context.Context, names []string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "opensky-testprog-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mod := "module opensky.test/testprog\n\ngo 1.22\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		return nil, err
	}
	for _, n := range names {
		data, err := testprogSource.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, path.Base(n)), data, 0o644); err != nil {
			return nil, err
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go command is needed to build the test program: %w", err)
	}
	out := filepath.Join(dir, "testprog")
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH,
		"GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build testprog: %w\n%s", err, msg)
	}
	return os.ReadFile(out)
}
