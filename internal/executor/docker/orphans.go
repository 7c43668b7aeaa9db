package docker

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
)

// CleanupOrphans removes the job containers a previous run of this
// daemon left behind (labelled LabelManaged and this executor's
// LabelOwner), running or not, and returns how many it removed. The
// containers of tasks this executor is running now are left alone. A
// daemon calls it once at start, before it accepts work.
func (e *Executor) CleanupOrphans(ctx context.Context) (int, error) {
	list, err := e.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelManaged+"=true", LabelOwner+"="+e.opts.owner),
	})
	if err != nil {
		return 0, fmt.Errorf("docker: list orphaned containers: %w", err)
	}
	removed := 0
	var errs []error
	for _, c := range list.Items {
		if e.isLive(c.ID) {
			continue
		}
		if _, err := e.cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", shortID(c.ID), err))
			continue
		}
		removed++
		e.opts.logger.Info("removed orphaned container", "container", shortID(c.ID),
			"task", c.Labels[LabelTask], "job", c.Labels[LabelJob], "state", c.State)
	}
	if err := errors.Join(errs...); err != nil {
		return removed, fmt.Errorf("docker: clean up orphaned containers: %w", err)
	}
	return removed, nil
}
