package executor

import "context"

// Preparer is implemented by executors that must make something present
// before a task can run, such as a container image. A caller that knows
// the task calls Prepare before Run, under its own time bound, so that
// the preparation does not count against the task's run timeout; Run
// still prepares whatever is missing.
type Preparer interface {
	Prepare(ctx context.Context, t *Task) error
}
