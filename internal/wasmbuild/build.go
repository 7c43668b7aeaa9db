package wasmbuild

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// targetEnv is the environment of every go command Build runs.
var targetEnv = []string{"GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0"}

// Build compiles the main package pkg, a package path relative to the root
// of the module containing the working directory (e.g. "./examples/pi"),
// to a WASI preview 1 module and returns the path of the .wasm file.
//
// Results are cached under os.UserCacheDir()/opensky/wasm, keyed by the Go
// version and the contents of every non-standard package pkg depends on.
// Concurrent calls, from one process or several, are safe: each builds
// into a temporary file and renames it into place.
func Build(ctx context.Context, pkg string) (string, error) {
	goTool, err := goCommand()
	if err != nil {
		return "", err
	}
	root, version, err := goEnv(ctx, goTool)
	if err != nil {
		return "", err
	}
	key, err := sourceKey(ctx, goTool, root, version, pkg)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("%s-%s.wasm", path.Base(filepath.ToSlash(pkg)), key))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := compile(ctx, goTool, root, pkg, dir, out); err != nil {
		return "", err
	}
	return out, nil
}

// compile builds pkg into a temporary file in dir and renames it to out.
func compile(ctx context.Context, goTool, root, pkg, dir, out string) error {
	tmp, err := os.CreateTemp(dir, ".build-*.wasm")
	if err != nil {
		return fmt.Errorf("wasmbuild: %w", err)
	}
	tmpName := tmp.Name()
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("wasmbuild: %w", err)
	}
	defer os.Remove(tmpName) // a no-op once renamed

	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-o", tmpName, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), targetEnv...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wasmbuild: go build %s: %w\n%s", pkg, err, msg)
	}
	if err := os.Rename(tmpName, out); err != nil {
		return fmt.Errorf("wasmbuild: %w", err)
	}
	return nil
}

// goCommand finds the go tool: on PATH, else under $GOROOT/bin.
func goCommand() (string, error) {
	p, err := exec.LookPath("go")
	if err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, statErr := os.Stat(p); statErr == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("wasmbuild: find the go tool: %w", err)
}

// goEnv returns the root directory of the current module and the Go
// version.
func goEnv(ctx context.Context, goTool string) (root, version string, err error) {
	msg, err := exec.CommandContext(ctx, goTool, "env", "GOMOD", "GOVERSION").Output()
	if err != nil {
		return "", "", fmt.Errorf("wasmbuild: go env: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(msg)), "\n")
	if len(lines) != 2 {
		return "", "", fmt.Errorf("wasmbuild: go env: unexpected output %q", msg)
	}
	gomod := strings.TrimSpace(lines[0])
	if gomod == "" || gomod == os.DevNull {
		return "", "", errors.New("wasmbuild: the working directory is not inside a Go module")
	}
	return filepath.Dir(gomod), strings.TrimSpace(lines[1]), nil
}

// cacheDir returns (creating it) the directory of built modules.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "opensky", "wasm")
	if err := os.MkdirAll(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("wasmbuild: %w", err)
	}
	return dir, nil
}
