package browsertest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/gateway/auth"
	"github.com/opensky-network/opensky/internal/orchestrator"
	"github.com/opensky-network/opensky/internal/spec"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// netProviders is the number of providers of the test networks.
const netProviders = 2

// jobTimeout bounds the wait for a job to finish; generous, because a
// loaded machine (the race detector, other suites) slows everything.
const jobTimeout = 2 * time.Minute

// networks are the local networks of the package's tests, started on first
// use and closed by TestMain: one without a chain (jobs are free) and one
// with.
var networks struct {
	mu   sync.Mutex
	free *devnet.Network
	paid *devnet.Network
}

// freeNet returns the shared network without a chain.
func freeNet(t *testing.T) *devnet.Network {
	t.Helper()
	networks.mu.Lock()
	defer networks.mu.Unlock()
	if networks.free == nil {
		networks.free = startNet(t, false)
	}
	return networks.free
}

// chainNet returns the shared network with a chain.
func chainNet(t *testing.T) *devnet.Network {
	t.Helper()
	networks.mu.Lock()
	defer networks.mu.Unlock()
	if networks.paid == nil {
		networks.paid = startNet(t, true)
	}
	return networks.paid
}

func startNet(t *testing.T, chain bool) *devnet.Network {
	t.Helper()
	o := devnet.Options{
		Providers:     netProviders,
		GatewayListen: "127.0.0.1:0",
		Chain:         chain,
		ReadyTimeout:  30 * time.Second,
		Provider: func(i int, p *config.Provider) {
			p.CPU = "2"
			p.Memory = "2Gi"
			p.Disk = "4Gi"
			p.PresenceInterval = "200ms"
		},
	}
	if os.Getenv("OPENSKY_TEST_LOG") != "" {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := devnet.Start(ctx, o)
	if err != nil {
		t.Fatalf("start a local network (chain %v): %v", chain, err)
	}
	t.Logf("local network (chain %v) with %d providers at %s, up in %s", chain, netProviders, n.URL, time.Since(start).Round(time.Millisecond))
	return n
}

func stopNetworks() {
	for _, n := range []*devnet.Network{networks.free, networks.paid} {
		if n != nil {
			if err := n.Close(); err != nil {
				fmt.Fprintln(os.Stderr, "browsertest: close local network:", err)
			}
		}
	}
}

// submit uploads module and submits a one-shard wasm job that runs it.
func submit(t *testing.T, o *orchestrator.Orchestrator, name string, module []byte) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	b, err := o.PutBlob(ctx, bytes.NewReader(module), 64<<20)
	if err != nil {
		t.Fatalf("upload module: %v", err)
	}
	// The job is the tests' account's, which the pages are signed in as.
	j, err := o.SubmitJob(auth.WithAccount(ctx, browserAccount(t).Address()), spec.Job{
		APIVersion: spec.APIVersion, Engine: spec.EngineWasm, Name: name, Module: b.Hash, Shards: 1,
		Resources: spec.Resources{CPU: 500, Memory: 64 << 20, Timeout: spec.Duration(20 * time.Second)},
	})
	if err != nil {
		t.Fatalf("submit job: %v", err)
	}
	return j
}

// await waits for the job's terminal record and checks it completed.
func await(t *testing.T, o *orchestrator.Orchestrator, id string) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	var after uint64
	for {
		j, err := o.WaitJob(ctx, id, after)
		if err != nil {
			t.Fatalf("job %s: %v", id, err)
		}
		if j.Phase.Terminal() {
			if j.Phase != api.PhaseCompleted {
				t.Fatalf("job %s ended %s: %s %s", id, j.Phase, j.ErrorCode, j.Reason)
			}
			return j
		}
		after = j.Version
	}
}

// finished is a job that completed on the free network, shared by the
// tests that only need one to show.
var finished struct {
	once sync.Once
	job  *api.Job
}

func finishedJob(t *testing.T) *api.Job {
	t.Helper()
	n := freeNet(t)
	finished.once.Do(func() {
		o := n.Gateway.Orchestrator
		j := submit(t, o, "hello", wasmtest.Print(wasmtest.Stdout, "hello from the browser tests\n"))
		finished.job = await(t, o, j.ID)
	})
	if finished.job == nil {
		t.Fatal("the shared job did not complete (see the first test that ran it)")
	}
	return finished.job
}

// outputFile is the file the writeOutput module writes under /outputs.
const outputFile = "result.txt"

// WASI preview 1 path_open flags.
const (
	oflagCreat = 1
	oflagTrunc = 8
)

// writeOutput is a command that spins for rounds rounds of
// wasmtest.SpinRound iterations (about two seconds each: long enough to
// watch the job run), then creates /outputs/result.txt holding text, and
// exits 0.
//
// The outputs mount is a preopened directory; the inputs mount, read-only,
// may come before it. So the module tries to create the file under fd 3
// and, when that is refused, under fd 4.
func writeOutput(rounds uint32, text string) []byte {
	const (
		iov     = 0   // iovec {textAt, len(text)}
		written = 8   // fd_write's byte count
		opened  = 12  // path_open's new fd
		pathAt  = 64  // the file name
		textAt  = 128 // the contents
	)
	var m wasmtest.Module
	i32, i64 := wasmtest.I32, wasmtest.I64
	pathOpen := m.Import(wasmtest.WASIModule, "path_open",
		[]wasmtest.ValType{i32, i32, i32, i32, i32, i64, i64, i32, i32}, []wasmtest.ValType{i32})
	write := m.ImportWASI("fd_write")
	m.Memory(uint32((textAt+len(text))/wasmtest.PageSize+1), 0)
	m.Data(iov, binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, textAt), uint32(len(text))))
	m.Data(pathAt, []byte(outputFile))
	m.Data(textAt, []byte(text))

	open := func(c wasmtest.Code, dirFD int32) wasmtest.Code {
		c = c.I32Const(dirFD).I32Const(0).I32Const(pathAt).I32Const(int32(len(outputFile))).I32Const(oflagCreat | oflagTrunc)
		c = i64Const(i64Const(c, -1), -1) // rights: all (not enforced by wazero)
		return c.I32Const(0).I32Const(opened).Call(pathOpen)
	}
	const round, i = 0, 1 // locals: the spin counters
	body := wasmtest.Code{}.
		Block().
		LocalGet(round).I32Const(int32(rounds)).I32LtU().I32Eqz().BrIf(0).
		Loop().
		I32Const(0).LocalSet(i).
		Loop().
		LocalGet(i).I32Const(1).I32Add().LocalSet(i).
		LocalGet(i).I32Const(wasmtest.SpinRound).I32LtU().BrIf(0).
		End().
		LocalGet(round).I32Const(1).I32Add().LocalSet(round).
		LocalGet(round).I32Const(int32(rounds)).I32LtU().BrIf(0).
		End().
		End().
		Block()
	body = open(body, 3).I32Eqz().BrIf(0)
	body = open(body, 4).Drop().
		End()
	body = i32Load(body.I32Const(opened)).
		I32Const(iov).I32Const(1).I32Const(written).Call(write).Drop()
	m.Export("_start", m.Func(nil, nil, []wasmtest.ValType{i32, i32}, body))
	return m.Bytes()
}

// i64Const appends i64.const v, for v in [-64, 63]: one LEB128 byte.
func i64Const(c wasmtest.Code, v int8) wasmtest.Code {
	return append(c, 0x42, byte(v)&0x7f)
}

// i32Load appends i32.load with 4-byte alignment and no offset.
func i32Load(c wasmtest.Code) wasmtest.Code {
	return append(c, 0x28, 2, 0)
}
