package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/spec"
)

func TestDockerRunBuildsTheSpec(t *testing.T) {
	b, url := startGateway(t, func(spec.Job) outcome {
		return outcome{phase: api.PhaseCompleted, exitCode: 4, logs: []api.TaskLog{{Shard: 0, Stdout: "hi\n"}}}
	})
	data := writeFile(t, t.TempDir(), "data.csv", []byte("a,b\n"))
	code, stdout, stderr := cli(t, url, "", "docker", "run", "ghcr.io/org/tool:1.2",
		"--memory", "512Mi", "--timeout", "2m", "--gpu", "1", "-e", "A=b", "-i", data+":in/data.csv",
		"--entrypoint", "/bin/sh", "--entrypoint", "-c", "-w", "/work", "--network", "--", "echo hi; exit 4")
	if code != 4 || stdout != "hi\n" {
		t.Fatalf("exit %d stdout %q stderr %s", code, stdout, stderr)
	}
	s := b.submitted[0]
	switch {
	case s.Engine != spec.EngineDocker || s.Image != "ghcr.io/org/tool:1.2" || s.Module != "" || s.Name != "tool":
		t.Errorf("engine/image/name: %+v", s)
	case strings.Join(s.Entrypoint, "|") != "/bin/sh|-c" || strings.Join(s.Args, "|") != "echo hi; exit 4" || s.WorkingDir != "/work":
		t.Errorf("entrypoint %q args %q workdir %q", s.Entrypoint, s.Args, s.WorkingDir)
	case s.Resources.Memory != 512<<20 || s.Resources.GPU != 1 || s.Env["A"] != "b" || !s.Network:
		t.Errorf("resources/env: %+v %v", s.Resources, s.Env)
	case len(s.Inputs) != 1 || s.Inputs[0].Name != "in/data.csv" || !spec.IsBlobRef(s.Inputs[0].Blob):
		t.Errorf("inputs: %+v", s.Inputs)
	}
}

func TestImageLoad(t *testing.T) {
	ctx := context.Background()
	if err := dockertest.EnsureImages(ctx); err != nil {
		t.Fatal(err)
	}
	tar := filepath.Join(t.TempDir(), "static.tar")
	if out, err := exec.CommandContext(ctx, "docker", "save", "-o", tar, dockertest.StaticImage).CombinedOutput(); err != nil {
		t.Fatalf("docker save: %v: %s", err, out)
	}
	code, stdout, stderr := cli(t, "http://127.0.0.1:1", "", "image", "load", tar)
	if code != 0 || !strings.Contains(stdout, "opensky-test/static") {
		t.Fatalf("image load: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	missing := filepath.Join(t.TempDir(), "nope.tar")
	if code, _, stderr := cli(t, "http://127.0.0.1:1", "", "image", "load", missing); code == 0 || !strings.Contains(stderr, "nope.tar") {
		t.Fatalf("missing file: exit %d, %q", code, stderr)
	}
	os.Remove(tar)
}
