package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/spec"
)

func TestNewEngineUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(t.TempDir(), "no-engine.sock"))
	_, err := New(context.Background())
	if !errors.Is(err, ErrEngineUnavailable) {
		t.Fatalf("err %v, want ErrEngineUnavailable", err)
	}
	if !strings.Contains(err.Error(), "no-engine.sock") {
		t.Errorf("error %q does not say where the engine was looked for", err)
	}
}

func TestNewUnknownRuntime(t *testing.T) {
	t.Parallel()
	needImages(t)
	if _, err := New(context.Background(), WithRuntime("no-such-runtime")); err == nil || !strings.Contains(err.Error(), "no-such-runtime") {
		t.Errorf("err %v, want an error naming the missing runtime", err)
	}
}

func TestEngineAndInvalidTasks(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	if ex.Engine() != spec.EngineDocker {
		t.Errorf("Engine() = %s", ex.Engine())
	}
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := []*executor.Task{
		nil,
		{ID: "no-image"},
		{ID: "wasm", Engine: spec.EngineWasm, Image: "x"},
		{ID: "bad-ref", Image: "Not A Ref"},
		{ID: "neg", Image: "x", Limits: executor.Limits{MemoryBytes: -1}},
		{ID: "env", Image: "x", Env: map[string]string{"A=B": "c"}},
		{ID: "dir", Image: "x", InputDir: notDir},
		{ID: "rel", Image: "x", OutputDir: "relative/dir"},
		{ID: "wd", Image: "x", WorkingDir: "relative"},
	}
	for _, task := range bad {
		if _, err := ex.Run(context.Background(), task); !errors.Is(err, executor.ErrInvalidTask) {
			t.Errorf("task %+v: err %v, want ErrInvalidTask", task, err)
		}
	}
	missing := static("echo")
	missing.Entrypoint = []string{"/no/such/program"}
	if _, err := ex.Run(context.Background(), missing); !errors.Is(err, executor.ErrInvalidTask) {
		t.Errorf("missing program: err %v, want ErrInvalidTask", err)
	}
}

// TestTaskEnvironment: entrypoint, working directory, the task's
// variables, the shard variables and the seed reach the job.
func TestTaskEnvironment(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	task := shell(`pwd; echo "$GREETING $OPENSKY_SHARD_INDEX/$OPENSKY_SHARD_COUNT $OPENSKY_JOB_ID $OPENSKY_SEED"; hostname`)
	task.WorkingDir = "/tmp"
	task.Env = map[string]string{"GREETING": "hello", EnvSeed: "overridden"}
	task.Shard, task.Shards, task.Seed = 2, 4, 99
	res, err := ex.Run(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	want := "/tmp\nhello 2/4 job-test 99\n" + Hostname + "\n"
	if string(res.Stdout) != want {
		t.Errorf("stdout %q, want %q", res.Stdout, want)
	}
}
