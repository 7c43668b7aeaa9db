package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// LoadImage imports a tarball written by `docker save` (or `opensky image
// save`) into the engine, for providers that cannot reach a registry, and
// returns the names of the images it holds ("name:tag", or the image ID
// for an untagged image).
func (e *Executor) LoadImage(ctx context.Context, r io.Reader) ([]string, error) {
	res, err := e.cli.ImageLoad(ctx, r, client.ImageLoadWithQuiet(true))
	if err != nil {
		return nil, fmt.Errorf("docker: load image: %w", err)
	}
	defer res.Close()
	names, err := loadedNames(res)
	if err != nil {
		return nil, fmt.Errorf("docker: load image: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("docker: load image: the tarball held no image")
	}
	e.opts.logger.Info("images loaded", "images", names)
	return names, nil
}

// The engine's report of each image a load brought in.
const (
	loadedTag = "Loaded image: "
	loadedID  = "Loaded image ID: "
)

// loadedNames reads the engine's load messages and returns the images
// they report, or the error one of them carries.
func loadedNames(r io.Reader) ([]string, error) {
	var names []string
	dec := json.NewDecoder(r)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return names, nil
			}
			return names, err
		}
		if m.Error != nil {
			return names, errors.New(m.Error.Message)
		}
		for _, line := range strings.Split(m.Stream, "\n") {
			if name, ok := strings.CutPrefix(line, loadedTag); ok {
				names = append(names, strings.TrimSpace(name))
			} else if id, ok := strings.CutPrefix(line, loadedID); ok {
				names = append(names, strings.TrimSpace(id))
			}
		}
	}
}
