package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"

	"github.com/opensky-network/opensky/internal/executor"
)

// ensureImage returns the local image the task names, pulling it first
// when the engine does not have it. When the pull fails (no registry is
// reachable, the image does not exist there, or it is named by ID) the
// error wraps ErrImageUnavailable and says how to load the image.
func (e *Executor) ensureImage(ctx context.Context, t *executor.Task, ref reference.Named) (client.ImageInspectResult, error) {
	img, err := e.cli.ImageInspect(ctx, t.Image)
	if err == nil {
		return img, nil
	}
	if ctx.Err() != nil {
		return img, cancelled(ctx, t)
	}
	if !cerrdefs.IsNotFound(err) {
		return img, fmt.Errorf("docker: task %s: inspect image %s: %w", t.ID, t.Image, err)
	}
	if ref == nil {
		return img, unavailable(t.Image, err)
	}
	e.opts.logger.Info("pulling image", "task", t.ID, "image", t.Image)
	pull, err := e.cli.ImagePull(ctx, reference.TagNameOnly(ref).String(), client.ImagePullOptions{})
	if err == nil {
		err = pull.Wait(ctx)
		pull.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return img, cancelled(ctx, t)
		}
		return img, unavailable(t.Image, err)
	}
	img, err = e.cli.ImageInspect(ctx, t.Image)
	if err != nil {
		return img, fmt.Errorf("docker: task %s: inspect image %s after pulling it: %w", t.ID, t.Image, err)
	}
	return img, nil
}

// unavailable is the error for an image that is neither local nor
// pullable.
func unavailable(image string, cause error) error {
	return fmt.Errorf("docker: image %s is not on this provider and no registry is reachable; load it with `opensky image load FILE.tar`: %w (%w)",
		image, ErrImageUnavailable, cause)
}
