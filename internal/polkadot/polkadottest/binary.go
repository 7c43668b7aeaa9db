package polkadottest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment variables the harness reads.
const (
	// EnvBinary is the path of a gossamer binary; the chain spec
	// westend-dev-spec-raw.json must be next to it.
	EnvBinary = "OPENSKY_GOSSAMER"
	// EnvRequire, set to 1, turns every skip for want of a node into a
	// failure (for CI that must run the integration tests).
	EnvRequire = "OPENSKY_REQUIRE_POLKADOT"
)

// specName is the chain spec's file name next to the binary.
const specName = "westend-dev-spec-raw.json"

// modulePath identifies the repository's go.mod.
const modulePath = "github.com/opensky-network/opensky"

// buildTimeout bounds scripts/gossamer.sh, which builds Gossamer (about
// six minutes on two cores) the first time.
const buildTimeout = 20 * time.Minute

var found struct {
	sync.Mutex
	done      bool
	bin, spec string
	err       error
}

// Binary returns the gossamer binary and the westend-dev chain spec: from
// OPENSKY_GOSSAMER if set, else from scripts/gossamer.sh, which builds the
// binary once per machine (minutes) and then returns its cached path. The
// test is skipped, with the reason, when neither works.
func Binary(t testing.TB) (bin, spec string) {
	t.Helper()
	found.Lock()
	defer found.Unlock()
	if !found.done {
		found.bin, found.spec, found.err = locate(t)
		found.done = true
	}
	if found.err != nil {
		unavailable(t, "no gossamer binary: %v", found.err)
	}
	return found.bin, found.spec
}

func locate(t testing.TB) (bin, spec string, err error) {
	if p := os.Getenv(EnvBinary); p != "" {
		return checkFiles(p)
	}
	root, err := repoRoot()
	if err != nil {
		return "", "", fmt.Errorf("set %s or run inside the repository: %w", EnvBinary, err)
	}
	script := filepath.Join(root, "scripts", "gossamer.sh")
	if _, err := os.Stat(script); err != nil {
		return "", "", err
	}
	t.Logf("polkadottest: running %s (builds Gossamer the first time; several minutes)", script)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", "", fmt.Errorf("%s: %w\n%s", script, err, tail(stderr.Bytes(), 2000))
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	return checkFiles(strings.TrimSpace(lines[len(lines)-1]))
}

// checkFiles checks that bin is an executable with the spec next to it.
func checkFiles(bin string) (string, string, error) {
	st, err := os.Stat(bin)
	if err != nil {
		return "", "", err
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return "", "", fmt.Errorf("%s is not an executable file", bin)
	}
	spec := filepath.Join(filepath.Dir(bin), specName)
	if _, err := os.Stat(spec); err != nil {
		return "", "", fmt.Errorf("chain spec next to the binary: %w", err)
	}
	return bin, spec, nil
}

// repoRoot finds the directory of the repository's go.mod above the
// working directory (a test runs in its package's directory).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			s := bufio.NewScanner(f)
			match := s.Scan() && strings.TrimSpace(s.Text()) == "module "+modulePath
			f.Close()
			if match {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of " + modulePath + " above the working directory")
		}
		dir = parent
	}
}

// unavailable skips the test, or fails it when EnvRequire is 1.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("polkadottest: "+format+" (%s=1 makes this a failure)", append(args, EnvRequire)...)
	}
	t.Skipf("polkadottest: "+format+" (set %s=1 to fail instead)", append(args, EnvRequire)...)
}

// tail returns at most the last n bytes of b.
func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
