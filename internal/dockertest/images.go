package dockertest

import (
	"context"
	"fmt"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// The images EnsureImages provides.
const (
	// StaticImage runs testprog as its entrypoint; see testprog's package
	// documentation for the behaviours its first argument selects.
	StaticImage = "opensky-test/static:latest"
	// BusyboxImage holds /bin/busybox and a link for each applet in /bin;
	// its default command is sh.
	BusyboxImage = "opensky-test/busybox:latest"
)

// HashLabel is the image label recording the hash of what an image was
// built from; an image whose label matches is not rebuilt.
const HashLabel = "opensky.test.hash"

// image is one test image: its name and how to produce its build context.
type image struct {
	name string
	// source returns the build context's files and the hash of
	// everything the image depends on.
	source func(ctx context.Context) (*buildContext, error)
}

var images = []image{
	{name: StaticImage, source: staticContext},
	{name: BusyboxImage, source: busyboxContext},
}

var (
	ensureMu   sync.Mutex
	ensureDone bool
)

// EnsureImages makes sure StaticImage and BusyboxImage are on the local
// engine and current. It builds an image only when it is missing or its
// HashLabel differs; concurrent callers in this process and in others
// wait for one build. It fails when the engine cannot be reached.
func EnsureImages(ctx context.Context) error {
	ensureMu.Lock()
	defer ensureMu.Unlock()
	if ensureDone {
		return nil
	}
	cli, err := NewClient(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	unlock, err := lockFile(ctx, "opensky-dockertest.lock")
	if err != nil {
		return err
	}
	defer unlock()
	for _, img := range images {
		if err := ensure(ctx, cli, img); err != nil {
			return err
		}
	}
	ensureDone = true
	return nil
}

// NewClient connects to the local engine (DOCKER_HOST or the default
// socket), negotiating the API version down to the engine's, and checks
// that the engine answers.
func NewClient(ctx context.Context) (*client.Client, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("dockertest: docker client: %w", err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		cli.Close()
		return nil, fmt.Errorf("dockertest: the Docker engine at %s does not answer (every machine of this project runs one): %w", cli.DaemonHost(), err)
	}
	return cli, nil
}

// ensure builds img unless the engine has it with the current hash.
func ensure(ctx context.Context, cli *client.Client, img image) error {
	bc, err := img.source(ctx)
	if err != nil {
		return fmt.Errorf("dockertest: %s: %w", img.name, err)
	}
	have, err := cli.ImageInspect(ctx, img.name)
	switch {
	case err == nil && have.Config != nil && have.Config.Labels[HashLabel] == bc.hash:
		return nil
	case err != nil && !cerrdefs.IsNotFound(err):
		return fmt.Errorf("dockertest: inspect %s: %w", img.name, err)
	}
	if err := buildImage(ctx, cli, img.name, bc); err != nil {
		return fmt.Errorf("dockertest: build %s: %w", img.name, err)
	}
	return nil
}
