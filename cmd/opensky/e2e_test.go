package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/config"
	"github.com/opensky-network/opensky/internal/devnet"
	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/wasmbuild"
	"github.com/opensky-network/opensky/internal/wasmtest"
)

// TestCLIAgainstLocalNetwork drives the real commands against a real local
// network: wasm run prints the module's output and exits with its code,
// job run resolves and uploads the spec's files, and job get downloads
// the outputs.
func TestCLIAgainstLocalNetwork(t *testing.T) {
	net, err := devnet.Start(context.Background(), devnet.Options{
		Dir: t.TempDir(), Providers: 3, GatewayListen: "127.0.0.1:0",
		Provider: func(_ int, p *config.Provider) { p.CPU = "2"; p.Memory = "2Gi"; p.PresenceInterval = "200ms" },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	dir := t.TempDir()

	pi, err := wasmbuild.Build(context.Background(), "./examples/pi")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, net.URL, "", "wasm", "run", "--shards", "3", pi, "--", "5000")
	if code != 0 || strings.Count(stdout, "samples inside") != 3 || !strings.HasPrefix(stdout, "shard 0:") {
		t.Fatalf("wasm run pi: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}

	exit3 := filepath.Join(dir, "exit3.wasm")
	os.WriteFile(exit3, wasmtest.Exit(3), 0o644)
	if code, _, stderr := cli(t, net.URL, "", "wasm", "run", exit3); code != 3 {
		t.Fatalf("wasm run of a module exiting 3: exit %d, stderr %s", code, stderr)
	}
	loop := filepath.Join(dir, "loop.wasm")
	os.WriteFile(loop, wasmtest.Loop(), 0o644)
	if code, _, stderr := cli(t, net.URL, "", "wasm", "run", "--timeout", "200ms", loop); code != 124 || !strings.Contains(stderr, "timeout") {
		t.Fatalf("wasm run of an endless loop: exit %d, stderr %s", code, stderr)
	}

	// A spec with relative paths, run from another directory.
	wc, err := wasmbuild.Build(context.Background(), "./examples/wordcount")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(wc)
	os.WriteFile(filepath.Join(dir, "wc.wasm"), data, 0o644)
	os.MkdirAll(filepath.Join(dir, "texts"), 0o755)
	os.WriteFile(filepath.Join(dir, "texts", "a.txt"), []byte("sky sky network"), 0o644)
	os.WriteFile(filepath.Join(dir, "job.yaml"), []byte(`apiVersion: opensky/v1
engine: wasm
module: wc.wasm
inputs:
  - {name: a.txt, file: texts/a.txt}
  - {name: b.txt, content: "sky"}
resources: {cpu: 500m, memory: 64Mi, timeout: 1m}
`), 0o644)
	code, stdout, stderr = cli(t, net.URL, "", "job", "run", "-f", filepath.Join(dir, "job.yaml"), "-o", "json")
	if code != 0 {
		t.Fatalf("job run: exit %d, stderr %s", code, stderr)
	}
	var j api.Job
	if err := json.Unmarshal([]byte(stdout), &j); err != nil || j.Phase != api.PhaseCompleted {
		t.Fatalf("job run -o json: %v, phase %s\n%s", err, j.Phase, stdout)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := cli(t, net.URL, "", "job", "get", j.ID, "-o", out); code != 0 {
		t.Fatalf("job get: exit %d, %s", code, stderr)
	}
	counts, err := os.ReadFile(filepath.Join(out, "counts.txt"))
	if err != nil || !strings.Contains(string(counts), "sky 3\n") || !strings.Contains(string(counts), "network 1\n") {
		t.Fatalf("downloaded counts.txt: %q, %v", counts, err)
	}

	// Cancel reaches a running module.
	code, stdout, _ = cli(t, net.URL, "", "wasm", "run", "--detach", "--timeout", "10m", loop)
	id := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(id, "j-") {
		t.Fatalf("detach: exit %d, %q", code, stdout)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		rec, err := net.Gateway.Orchestrator.GetJob(context.Background(), id)
		if err == nil && rec.Phase == api.PhaseRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("detached job never ran")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _, stderr := cli(t, net.URL, "", "job", "cancel", id); code != 0 {
		t.Fatalf("job cancel: exit %d, %s", code, stderr)
	}
	rec, _ := net.Gateway.Orchestrator.GetJob(context.Background(), id)
	if rec.Phase != api.PhaseCancelled {
		t.Fatalf("after cancel: %s", rec.Phase)
	}
}

// TestDockerRunAgainstLocalNetwork runs a container through the real
// commands and network: output printed, exit code passed on.
func TestDockerRunAgainstLocalNetwork(t *testing.T) {
	if err := dockertest.EnsureImages(context.Background()); err != nil {
		t.Fatal(err)
	}
	net, err := devnet.Start(context.Background(), devnet.Options{
		Dir: t.TempDir(), Providers: 1, GatewayListen: "127.0.0.1:0",
		Provider: func(_ int, p *config.Provider) {
			p.CPU, p.Memory, p.PresenceInterval = "2", "2Gi", "200ms"
			p.Engines = []string{"docker"}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	code, stdout, stderr := cli(t, net.URL, "", "docker", "run", dockertest.StaticImage, "--", "echo", "from a container")
	if code != 0 || !strings.Contains(stdout, "from a container") {
		t.Fatalf("docker run echo: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, net.URL, "", "docker", "run", dockertest.StaticImage, "--", "exit", "9"); code != 9 {
		t.Fatalf("docker run exit 9: exit %d, %s", code, stderr)
	}
}
