package docker

import (
	"context"

	"github.com/opensky-network/opensky/internal/executor"
)

var _ executor.Preparer = (*Executor)(nil)

// Prepare makes sure the task's image is on the engine, pulling it when a
// registry is reachable, and checks it against the image rules. Nothing
// runs; Run then finds the image present.
func (e *Executor) Prepare(ctx context.Context, t *executor.Task) error {
	if err := validate(t); err != nil {
		return err
	}
	ref, err := requestedImage(t)
	if err != nil {
		return err
	}
	if err := e.rules.admit(t.Image, imageIdentity{requested: ref}); err != nil {
		return err
	}
	if err := e.enter(); err != nil {
		return err
	}
	defer e.running.Done()
	img, err := e.ensureImage(ctx, t, ref)
	if err != nil {
		return err
	}
	return e.rules.admit(t.Image, imageIdentity{requested: ref, id: img.ID, repoTags: img.RepoTags, repoDigests: img.RepoDigests, inspected: true})
}
