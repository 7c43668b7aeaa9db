package wasmtest

import (
	"context"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

type buf []byte

func (b *buf) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func TestSpinCountsThenPrints(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	for _, rounds := range []uint32{0, 1} {
		var out buf
		start := time.Now()
		mod, err := r.InstantiateWithConfig(ctx, Spin(rounds, "spun\n"), wazero.NewModuleConfig().WithStdout(&out).WithName(""))
		if err != nil {
			t.Fatalf("%d rounds: %v", rounds, err)
		}
		mod.Close(ctx)
		if string(out) != "spun\n" {
			t.Fatalf("%d rounds printed %q", rounds, out)
		}
		t.Logf("%d rounds: %s", rounds, time.Since(start))
	}
}
