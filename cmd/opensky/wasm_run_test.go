package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

var wasmBytes = []byte("\x00asm\x01\x00\x00\x00")

// writeFile writes data to dir/name, creating directories, and returns the
// path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWasmRunPrintsOutputAndExitsWithJobCode(t *testing.T) {
	b, url := startGateway(t, func(s spec.Job) outcome {
		return outcome{phase: api.PhaseFailed, exitCode: 3, errorCode: "exit_code", reason: "shard 1 exited 3", logs: []api.TaskLog{
			{TaskID: "t1", Shard: 1, Stdout: "from shard 1\n", Stderr: "warn 1\n"},
			{TaskID: "t0", Shard: 0, Stdout: "from shard 0\n"},
		}}
	})
	dir := t.TempDir()
	mod := writeFile(t, dir, "Hello_World.wasm", wasmBytes)
	data := writeFile(t, dir, "data.csv", []byte("a,b\n"))

	code, stdout, stderr := cli(t, url, "",
		"wasm", "run", "--memory", "128Mi", "--cpu", "500m", "--timeout", "1m", "--shards", "2",
		"-e", "GREETING=hi", "--input", data+":in/data.csv", mod, "--", "--flag", "x")
	if code != 3 {
		t.Fatalf("exit code %d, want 3; stderr %s", code, stderr)
	}
	if stdout != "from shard 0\nfrom shard 1\n" {
		t.Fatalf("stdout %q, want the shards' output in shard order", stdout)
	}
	if !strings.Contains(stderr, "warn 1\n") {
		t.Fatalf("stderr %q lacks the job's stderr", stderr)
	}
	if strings.Contains(stderr, "shard 1 exited 3") {
		t.Fatalf("a program exit code must not print a failure reason: %q", stderr)
	}

	s := b.submitted[0]
	if s.Engine != spec.EngineWasm || s.Module != spec.BlobRef(wasmBytes) || string(b.blobs[s.Module]) != string(wasmBytes) {
		t.Fatalf("module not uploaded: %+v", s)
	}
	if s.Name != "hello-world" {
		t.Errorf("name %q", s.Name)
	}
	if strings.Join(s.Args, " ") != "--flag x" {
		t.Errorf("args %q", s.Args)
	}
	if s.Env["GREETING"] != "hi" || s.Shards != 2 {
		t.Errorf("env %v shards %d", s.Env, s.Shards)
	}
	r := s.Resources
	if r.Memory != 128*spec.MiB || r.CPU != 500 || r.Timeout.String() != "1m0s" {
		t.Errorf("resources %+v", r)
	}
	if len(s.Inputs) != 1 || s.Inputs[0].Name != "in/data.csv" || s.Inputs[0].Blob != spec.BlobRef([]byte("a,b\n")) || s.Inputs[0].File != "" {
		t.Errorf("inputs %+v", s.Inputs)
	}
}

func TestWasmRunSuccess(t *testing.T) {
	_, url := startGateway(t, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, logs: []api.TaskLog{{Shard: 0, Stdout: "hello\n"}}}
	})
	mod := writeFile(t, t.TempDir(), "hello.wasm", wasmBytes)
	code, stdout, stderr := cli(t, url, "", "wasm", "run", mod)
	if code != 0 || stdout != "hello\n" || stderr != "" {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestWasmRunFlagsAfterModule(t *testing.T) {
	b, url := startGateway(t, nil)
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	// Flags may follow MODULE; what follows "--" belongs to the module.
	if code, _, stderr := cli(t, url, "", "wasm", "run", mod, "--memory", "32Mi", "--shards", "2", "--", "--memory", "1"); code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	s := b.submitted[0]
	if got := strings.Join(s.Args, " "); got != "--memory 1" {
		t.Fatalf("args %q", got)
	}
	if s.Resources.Memory != 32<<20 || s.Shards != 2 {
		t.Fatalf("flags after MODULE not applied: memory %d shards %d", s.Resources.Memory, s.Shards)
	}
	if code, _, stderr := cli(t, url, "", "wasm", "run", mod, "-n", "5"); code == 0 || !strings.Contains(stderr, "unknown shorthand flag") {
		t.Fatalf("a module flag without \"--\": code %d, %s", code, stderr)
	}
}

func TestWasmRunStdin(t *testing.T) {
	b, url := startGateway(t, nil)
	mod := writeFile(t, t.TempDir(), "cat.wasm", wasmBytes)
	if code, _, stderr := cli(t, url, "piped text\n", "wasm", "run", "--stdin", "-", mod); code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if b.submitted[0].Stdin != "piped text\n" {
		t.Fatalf("stdin %q", b.submitted[0].Stdin)
	}
}

func TestWasmRunFailureExitCodes(t *testing.T) {
	cases := []struct {
		phase     api.Phase
		errorCode string
		want      int
		hint      string
	}{
		{api.PhaseFailed, "timeout", 124, "--timeout"},
		{api.PhaseFailed, "memory_limit", 137, "--memory"},
		{api.PhaseCancelled, "cancelled", 130, ""},
		{api.PhaseFailed, "module_trap", 125, ""},
		{api.PhaseFailed, "invalid_module", 125, ""},
		{api.PhaseFailed, "no_providers", 125, ""},
	}
	for _, c := range cases {
		t.Run(c.errorCode, func(t *testing.T) {
			_, url := startGateway(t, func(spec.Job) outcome {
				return outcome{phase: c.phase, errorCode: c.errorCode, reason: "because " + c.errorCode,
					logs: []api.TaskLog{{Shard: 0, Stdout: "partial\n"}}}
			})
			mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
			code, stdout, stderr := cli(t, url, "", "wasm", "run", mod)
			if code != c.want {
				t.Fatalf("exit code %d, want %d; stderr %s", code, c.want, stderr)
			}
			if stdout != "partial\n" {
				t.Errorf("stdout %q: the output captured before the failure is still shown", stdout)
			}
			if !strings.Contains(stderr, "because "+c.errorCode) {
				t.Errorf("stderr %q lacks the reason", stderr)
			}
			if c.hint != "" && !strings.Contains(stderr, c.hint) {
				t.Errorf("stderr %q lacks the hint %q", stderr, c.hint)
			}
		})
	}
}

func TestWasmRunDetach(t *testing.T) {
	b, url := startGateway(t, nil)
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	code, stdout, _ := cli(t, url, "", "wasm", "run", "-d", mod)
	if code != 0 || stdout != "job-1\n" || len(b.submitted) != 1 {
		t.Fatalf("code %d stdout %q", code, stdout)
	}
}

func TestWasmRunOutputRecord(t *testing.T) {
	_, url := startGateway(t, func(spec.Job) outcome {
		return outcome{phase: api.PhaseFailed, exitCode: 2, logs: []api.TaskLog{{Stdout: "not shown\n"}}}
	})
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)

	code, stdout, _ := cli(t, url, "", "wasm", "run", "-o", "json", mod)
	if code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	var j api.Job
	if err := json.Unmarshal([]byte(stdout), &j); err != nil {
		t.Fatalf("json output %q: %v", stdout, err)
	}
	if j.Phase != api.PhaseFailed || j.ExitCode != 2 {
		t.Fatalf("record %+v", j)
	}

	code, stdout, _ = cli(t, url, "", "wasm", "run", "-o", "yaml", mod)
	if code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("yaml output %q: %v", stdout, err)
	}
	if m["phase"] != "failed" || m["exitCode"] != 2 {
		t.Fatalf("yaml record %v", m)
	}
}

func TestWasmRunBadFlagsAndUnreachable(t *testing.T) {
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	code, _, stderr := cli(t, "http://127.0.0.1:1", "", "wasm", "run", "--memory", "lots", mod)
	if code != 125 || !strings.Contains(stderr, "--memory") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	code, _, stderr = cli(t, "http://127.0.0.1:1", "", "wasm", "run", mod)
	if code != 125 || !strings.Contains(stderr, "cannot reach the OpenSky gateway at http://127.0.0.1:1") || !strings.Contains(stderr, "OPENSKY_API") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	_, url := startGateway(t, nil)
	code, _, stderr = cli(t, url, "", "wasm", "run", filepath.Join(t.TempDir(), "missing.wasm"))
	if code != 125 || !strings.Contains(stderr, "missing.wasm") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
}
