package docker

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/moby/moby/api/types/mount"

	"github.com/opensky-network/opensky/internal/executor"
)

// Where the task's directories appear inside its container.
const (
	InputsPath  = "/inputs"
	OutputsPath = "/outputs"
	StatePath   = "/state"
)

// jobDirs are the bind mounts of a task and the host directory modes to
// put back once it has run.
type jobDirs struct {
	mounts  []mount.Mount
	restore []modeChange
}

type modeChange struct {
	path string
	mode fs.FileMode
}

// prepareDirs returns the mounts of Task.InputDir (read-only at /inputs)
// and Task.OutputDir (writable at /outputs) and opens the directories to
// the container's user for the run.
//
// The job runs as nobody (65534), or as whatever user its image names
// when the policy allows that, so the host directories must let any user
// in: the output directory is made world-writable (0777) and the input
// directory world-readable (o+rx) for the run, then given its mode back.
// Changing modes rather than owners works whoever the daemon runs as
// (chown needs root) and whatever user the job has. The directories
// themselves are bind-mounted, so the directories above them keep their
// modes: the provider keeps its work directory private (0700) and no
// other local user can reach the opened ones. Files inside InputDir must
// be readable by others (0644) for the job to read them.
func prepareDirs(t *executor.Task, logger *slog.Logger) (*jobDirs, error) {
	d := &jobDirs{}
	open := func(dir string, add fs.FileMode) error {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		mode := info.Mode().Perm()
		if mode|add == mode {
			return nil
		}
		if err := os.Chmod(dir, mode|add); err != nil {
			return err
		}
		d.restore = append(d.restore, modeChange{path: dir, mode: info.Mode() & (fs.ModePerm | fs.ModeSticky | fs.ModeSetgid | fs.ModeSetuid)})
		return nil
	}
	if t.InputDir != "" {
		if err := open(t.InputDir, 0o555); err != nil {
			d.close(logger)
			return nil, fmt.Errorf("docker: task %s: open inputs to the job: %w", t.ID, err)
		}
		d.mounts = append(d.mounts, mount.Mount{Type: mount.TypeBind, Source: t.InputDir, Target: InputsPath, ReadOnly: true})
	}
	if t.OutputDir != "" {
		if err := open(t.OutputDir, 0o777); err != nil {
			d.close(logger)
			return nil, fmt.Errorf("docker: task %s: open outputs to the job: %w", t.ID, err)
		}
		d.mounts = append(d.mounts, mount.Mount{Type: mount.TypeBind, Source: t.OutputDir, Target: OutputsPath})
	}
	if t.StateDir != "" {
		if err := open(t.StateDir, 0o777); err != nil {
			d.close(logger)
			return nil, fmt.Errorf("docker: task %s: open the state volume to the job: %w", t.ID, err)
		}
		d.mounts = append(d.mounts, mount.Mount{Type: mount.TypeBind, Source: t.StateDir, Target: StatePath})
	}
	return d, nil
}

// close gives the directories their modes back.
func (d *jobDirs) close(logger *slog.Logger) {
	for _, c := range d.restore {
		if err := os.Chmod(c.path, c.mode); err != nil {
			logger.Warn("restore directory mode", "dir", c.path, "err", err)
		}
	}
}
