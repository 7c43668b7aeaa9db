package dockertest

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// buildContext is what an image is built from: the hash recorded in
// HashLabel, known at once, and the files of a tar build context (one of
// them the Dockerfile), produced only when a build is needed.
type buildContext struct {
	hash  string
	files func(ctx context.Context) ([]contextFile, error)
}

// contextFile is one entry of a build context.
type contextFile struct {
	name string
	mode int64
	data []byte
}

// tarball returns files as a tar stream.
func tarball(files []contextFile) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		hdr := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	return &buf, tw.Close()
}

// buildImage builds and tags name from bc with the engine's classic builder,
// which needs nothing but the engine.
func buildImage(ctx context.Context, cli *client.Client, name string, bc *buildContext) error {
	files, err := bc.files(ctx)
	if err != nil {
		return err
	}
	tb, err := tarball(files)
	if err != nil {
		return err
	}
	res, err := cli.ImageBuild(ctx, tb, client.ImageBuildOptions{
		Tags:        []string{name},
		Labels:      map[string]string{HashLabel: bc.hash},
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return readMessages(res.Body)
}

// readMessages reads an engine's JSON message stream to its end and
// returns the first error it reports.
func readMessages(r io.Reader) error {
	dec := json.NewDecoder(r)
	var last string
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if m.Error != nil {
			return fmt.Errorf("%s (after %q)", m.Error.Message, last)
		}
		if m.Stream != "" {
			last = m.Stream
		}
	}
}
