package dockertest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestEnsureImagesBuildsRunnableImages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := EnsureImages(ctx); err != nil {
		t.Fatalf("EnsureImages: %v", err)
	}
	cli, err := NewClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()

	ids := map[string]string{}
	for _, name := range []string{StaticImage, BusyboxImage} {
		img, err := cli.ImageInspect(ctx, name)
		if err != nil {
			t.Fatalf("inspect %s: %v", name, err)
		}
		if img.Config == nil || img.Config.Labels[HashLabel] == "" {
			t.Fatalf("%s has no %s label", name, HashLabel)
		}
		ids[name] = img.ID
	}

	if got := runImage(t, cli, StaticImage, "echo", "hello"); got != "hello\n\n" {
		t.Errorf("static echo printed %q", got)
	}
	if got := runImage(t, cli, BusyboxImage, "sh", "-c", "echo $((6*7)); ls /bin/sh"); got != "42\n/bin/sh\n" {
		t.Errorf("busybox sh printed %q", got)
	}

	// A fresh process-level state must find the images current and leave
	// them as they are.
	ensureMu.Lock()
	ensureDone = false
	ensureMu.Unlock()
	if err := EnsureImages(ctx); err != nil {
		t.Fatalf("EnsureImages again: %v", err)
	}
	for name, id := range ids {
		img, err := cli.ImageInspect(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if img.ID != id {
			t.Errorf("%s was rebuilt although it was current", name)
		}
	}
}

// runImage runs image with cmd and returns its stdout.
func runImage(t *testing.T, cli *client.Client, image string, cmd ...string) string {
	t.Helper()
	ctx := context.Background()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: image, Cmd: cmd},
		HostConfig: &container.HostConfig{NetworkMode: "none"},
	})
	if err != nil {
		t.Fatalf("create %s: %v", image, err)
	}
	defer cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start %s: %v", image, err)
	}
	w := cli.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-w.Result:
		if r.StatusCode != 0 {
			t.Fatalf("%s %v exited %d", image, cmd, r.StatusCode)
		}
	case err := <-w.Error:
		t.Fatalf("wait %s: %v", image, err)
	}
	logs, err := cli.ContainerLogs(ctx, c.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, logs); err != nil {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Logf("%s stderr: %s", image, s)
	}
	return stdout.String()
}
