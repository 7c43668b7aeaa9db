package docker

import (
	"context"
	"slices"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/dockertest"
)

// TestCleanupOrphans: containers an earlier run of the same daemon left,
// running or not, are removed; another daemon's and the executor's own
// running task are left alone.
func TestCleanupOrphans(t *testing.T) {
	t.Parallel()
	needImages(t)
	cli := engine(t)
	ctx := context.Background()
	owner, other := uniqueName(t), uniqueName(t)+"-other"
	leave := func(owner string, start bool) string {
		c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: &container.Config{
				Image:  dockertest.StaticImage,
				Cmd:    []string{"sleep"},
				Labels: labels(owner, "orphan", "job-orphan"),
			},
			HostConfig: &container.HostConfig{NetworkMode: "none"},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = cli.ContainerRemove(context.Background(), c.ID, client.ContainerRemoveOptions{Force: true})
		})
		if start {
			if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	leave(owner, true)
	leave(owner, false)
	foreign := leave(other, true)

	ex := newExecutor(t, WithOwner(owner))
	task := shell("echo up; exec sleep 600")
	up := newSignalWriter("up\n")
	task.Stdout = up
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := ex.Run(runCtx, task)
		done <- err
	}()
	defer func() {
		cancel()
		<-done
	}()
	waitSeen(t, up, safety)

	n, err := ex.CleanupOrphans(ctx)
	if err != nil {
		t.Fatalf("CleanupOrphans: %v", err)
	}
	if n != 2 {
		t.Errorf("removed %d containers, want the 2 orphans", n)
	}
	if left := ownedContainers(t, owner); len(left) != 1 {
		t.Errorf("%d containers of the owner left, want only the running task's", len(left))
	}
	if !slices.Contains(ownedContainers(t, other), foreign) {
		t.Error("another owner's container was removed")
	}
}
