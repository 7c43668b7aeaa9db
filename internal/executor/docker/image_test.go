package docker

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/dockertest"
)

// TestMissingImage: an image that is neither local nor pullable gives
// ErrImageUnavailable with the way to load it, and nothing runs.
func TestMissingImage(t *testing.T) {
	t.Parallel()
	owner := uniqueName(t)
	ex := newExecutor(t, WithOwner(owner))
	for _, image := range []string{
		"opensky-test/missing-" + owner + ":latest",
		"sha256:0000000000000000000000000000000000000000000000000000000000000000",
	} {
		task := static("echo")
		task.Image = image
		res, err := ex.Run(context.Background(), task)
		if !errors.Is(err, ErrImageUnavailable) || res != nil {
			t.Fatalf("%s: result %v, err %v; want ErrImageUnavailable", image, res, err)
		}
		if !strings.Contains(err.Error(), "opensky image load") || !strings.Contains(err.Error(), image) {
			t.Errorf("error %q does not name the image and how to load it", err)
		}
	}
	if n := len(ownedContainers(t, owner)); n != 0 {
		t.Errorf("%d containers were created", n)
	}
}

// TestLoadImage: a `docker save` tarball is imported and runs.
func TestLoadImage(t *testing.T) {
	t.Parallel()
	ex := newExecutor(t)
	cli := engine(t)
	ctx := context.Background()
	name := "opensky-test/load-" + uniqueName(t) + ":v1"
	if _, err := cli.ImageTag(ctx, client.ImageTagOptions{Source: dockertest.BusyboxImage, Target: name}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = cli.ImageRemove(context.Background(), name, client.ImageRemoveOptions{}) })
	saved, err := cli.ImageSave(ctx, []string{name})
	if err != nil {
		t.Fatal(err)
	}
	var tarball bytes.Buffer
	_, err = io.Copy(&tarball, saved)
	saved.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cli.ImageRemove(ctx, name, client.ImageRemoveOptions{}); err != nil {
		t.Fatal(err)
	}

	names, err := ex.LoadImage(ctx, &tarball)
	if err != nil {
		t.Fatalf("LoadImage: %v", err)
	}
	if !slices.Contains(names, name) {
		t.Errorf("LoadImage returned %q, want it to include %s", names, name)
	}
	task := shell("echo loaded")
	task.Image = name
	res, err := ex.Run(ctx, task)
	if err != nil || string(res.Stdout) != "loaded\n" {
		t.Fatalf("run the loaded image: %v", err)
	}

	if _, err := ex.LoadImage(ctx, strings.NewReader("not a tarball")); err == nil {
		t.Error("LoadImage accepted garbage")
	}
}
