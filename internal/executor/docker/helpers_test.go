package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/executor"
	"github.com/opensky-network/opensky/internal/testlog"
)

// safety bounds tasks that should end by themselves; it is never
// asserted.
const safety = 2 * time.Minute

var images struct {
	once sync.Once
	err  error
}

// needImages builds the test images once per test binary. The engine is
// part of every machine of this project: when it cannot be reached the
// test fails, it does not skip.
func needImages(t testing.TB) {
	t.Helper()
	images.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		images.err = dockertest.EnsureImages(ctx)
	})
	if images.err != nil {
		t.Fatalf("test images: %v", images.err)
	}
}

// testPolicy is DefaultPolicy with room for the conformance suite's
// concurrent tasks.
func testPolicy() Policy {
	p := DefaultPolicy()
	p.MaxContainers = 8
	return p
}

// newExecutor returns an executor owning containers under a name of its
// own, closed at the end of the test.
func newExecutor(t testing.TB, opts ...Option) *Executor {
	t.Helper()
	needImages(t)
	opts = append([]Option{WithLogger(testLogger(t)), WithOwner(uniqueName(t)), WithPolicy(testPolicy())}, opts...)
	ex, err := New(context.Background(), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := ex.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ex
}

// uniqueName is a name no other test uses.
func uniqueName(t testing.TB) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	return strings.ToLower(name) + "-" + hex.EncodeToString(b[:])
}

// static runs the test program with its behaviour and arguments.
func static(behaviour string, args ...string) *executor.Task {
	return &executor.Task{
		ID:     "static-" + behaviour,
		JobID:  "job-test",
		Image:  dockertest.StaticImage,
		Args:   append([]string{behaviour}, args...),
		Limits: executor.Limits{Timeout: safety},
	}
}

// shell runs a busybox sh script.
func shell(script string) *executor.Task {
	return &executor.Task{
		ID:         "shell",
		JobID:      "job-test",
		Image:      dockertest.BusyboxImage,
		Entrypoint: []string{"/bin/sh", "-c"},
		Args:       []string{script},
		Limits:     executor.Limits{Timeout: safety},
	}
}

// engine returns a client of the local engine, closed at the end of the
// test.
func engine(t testing.TB) *client.Client {
	t.Helper()
	cli, err := dockertest.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// ownedContainers lists the containers, running or not, of an owner.
func ownedContainers(t testing.TB, owner string) []string {
	t.Helper()
	list, err := engine(t).ContainerList(context.Background(), client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelOwner+"="+owner),
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range list.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

// probeLines runs task (the probe behaviour) and returns its key=value
// lines.
func probeLines(t *testing.T, ex *Executor, task *executor.Task) map[string]string {
	t.Helper()
	res, err := ex.Run(context.Background(), task)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("probe exited %d: %s", res.ExitCode, res.Stderr)
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(res.Stdout)), "\n") {
		k, v, _ := strings.Cut(line, "=")
		out[k] = v
	}
	return out
}

// testLogger routes logs through t until the test ends.
func testLogger(t testing.TB) *slog.Logger { return testlog.New(t) }
