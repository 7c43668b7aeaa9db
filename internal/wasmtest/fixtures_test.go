package wasmtest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// run instantiates bin with WASI under a runtime limited to limitPages and
// returns stdout, stderr and the error of _start.
func run(t *testing.T, bin []byte, limitPages uint32) (string, string, error) {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithMemoryLimitPages(limitPages))
	t.Cleanup(func() { _ = r.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	var stdout, stderr bytes.Buffer
	_, err := r.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().
		WithStdout(&stdout).WithStderr(&stderr).WithRandSource(strings.NewReader(strings.Repeat("r", 100))))
	return stdout.String(), stderr.String(), err
}

func TestTrivial(t *testing.T) {
	if _, _, err := run(t, Trivial(), 16); err != nil {
		t.Fatalf("Trivial: %v", err)
	}
}

func TestExit(t *testing.T) {
	_, _, err := run(t, Exit(7), 16)
	var exit *sys.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 7 {
		t.Fatalf("Exit(7) ended with %v, want exit code 7", err)
	}
}

func TestTrap(t *testing.T) {
	_, _, err := run(t, Trap(), 16)
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("Trap ended with %v, want an unreachable trap", err)
	}
}

func TestGrowForeverTrapsAtTheLimit(t *testing.T) {
	_, _, err := run(t, GrowForever(), 64)
	if err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("GrowForever ended with %v, want an unreachable trap", err)
	}
}

func TestMinMemoryOverTheLimitIsRejected(t *testing.T) {
	if _, _, err := run(t, MinMemory(4), 16); err != nil {
		t.Fatalf("MinMemory(4) under a 16 page limit: %v", err)
	}
	if _, _, err := run(t, MinMemory(32), 16); err == nil {
		t.Fatal("MinMemory(32) under a 16 page limit instantiated")
	}
}

func TestPrint(t *testing.T) {
	stdout, stderr, err := run(t, Print(Stdout, "hello\n"), 16)
	if err != nil || stdout != "hello\n" || stderr != "" {
		t.Fatalf("Print(Stdout): stdout %q stderr %q err %v", stdout, stderr, err)
	}
	stdout, stderr, err = run(t, Print(Stderr, "oops"), 16)
	if err != nil || stdout != "" || stderr != "oops" {
		t.Fatalf("Print(Stderr): stdout %q stderr %q err %v", stdout, stderr, err)
	}
}

func TestRandom(t *testing.T) {
	stdout, _, err := run(t, Random(40), 16)
	if err != nil || stdout != strings.Repeat("r", 40) {
		t.Fatalf("Random(40): stdout %q err %v", stdout, err)
	}
}

func TestFlood(t *testing.T) {
	stdout, _, err := run(t, Flood(3*PageSize+1), 16)
	if err != nil {
		t.Fatalf("Flood: %v", err)
	}
	if len(stdout) != 4*PageSize || strings.Trim(stdout, "x") != "" {
		t.Fatalf("Flood wrote %d bytes, want %d bytes of 'x'", len(stdout), 4*PageSize)
	}
}

func TestInvalid(t *testing.T) {
	if _, err := wazero.NewRuntime(context.Background()).CompileModule(context.Background(), Invalid()); err == nil {
		t.Fatal("Invalid compiled")
	}
}

func TestLEB(t *testing.T) {
	for _, c := range []struct {
		v    int64
		want []byte
	}{{0, []byte{0}}, {-1, []byte{0x7f}}, {63, []byte{0x3f}}, {64, []byte{0xc0, 0x00}}, {-65, []byte{0xbf, 0x7f}}} {
		if got := sleb(nil, c.v); !bytes.Equal(got, c.want) {
			t.Errorf("sleb(%d) = %x, want %x", c.v, got, c.want)
		}
	}
	if got := uleb(nil, 624485); !bytes.Equal(got, []byte{0xe5, 0x8e, 0x26}) {
		t.Errorf("uleb(624485) = %x", got)
	}
}
