package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/spec"
)

// dockerRunFlags are the options of `opensky docker run`: those of wasm
// run, plus the container's entrypoint, working directory and GPUs.
type dockerRunFlags struct {
	wasmRunFlags
	entrypoint []string
	workdir    string
	gpus       int
	network    bool
	state      string
}

func newDockerRunCmd(g *globals) *cobra.Command {
	var f dockerRunFlags
	cmd := &cobra.Command{
		Use:   "run IMAGE [flags] [-- CMD ARGS...]",
		Short: "Run a container on the network and print its output",
		Long: `Run IMAGE as a container job on a provider that offers the Docker engine,
wait for it, print each shard's standard output and standard error in shard
order, and exit with the job's exit code, like docker run.

Flags may come before or after IMAGE; everything after "--" is the
container's command. Inputs appear read-only under /inputs; files written
under /outputs come back (opensky job get). The container runs hardened: no
capabilities, read-only root, no network, an unprivileged user.
Exit codes: the container's own, or 124 (time limit), 137 (memory limit),
130 (cancelled), 125 (any other failure).`,
		Example: `  opensky docker run busybox -- echo hello
  opensky docker run --memory 512Mi --timeout 5m -i data.csv tool:1.2 -- /inputs/data.csv
  opensky docker run --entrypoint /bin/sh busybox -- -c 'ls /inputs'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withExitCode(dockerRun(cmd, g, &f, args), exitJobFailure)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.memory, "memory", "256Mi", "memory limit per task, swap included (e.g. 256Mi, 2Gi)")
	fl.StringVar(&f.cpu, "cpu", "", "CPU per task in cores (e.g. 1, 0.5, 250m; default 1)")
	fl.StringVar(&f.timeout, "timeout", "60s", "time limit per task (e.g. 60s, 10m)")
	fl.IntVar(&f.shards, "shards", 1, "number of parallel tasks; each sees OPENSKY_SHARD_INDEX and OPENSKY_SHARD_COUNT")
	fl.StringArrayVarP(&f.env, "env", "e", nil, "environment variable K=V (repeatable; a bare K copies the local value)")
	fl.StringArrayVarP(&f.inputs, "input", "i", nil, "local file to mount at /inputs/NAME, as LOCAL[:NAME] (repeatable)")
	fl.StringVar(&f.stdin, "stdin", "", "file whose contents are the container's standard input, or - for this command's")
	fl.BoolVarP(&f.detach, "detach", "d", false, "print the job ID and return without waiting")
	fl.StringArrayVar(&f.entrypoint, "entrypoint", nil, "the container's entrypoint, one element per flag (repeatable: --entrypoint /bin/sh --entrypoint -c)")
	fl.StringVarP(&f.workdir, "workdir", "w", "", "working directory inside the container")
	fl.IntVar(&f.gpus, "gpu", 0, "GPUs per task (only providers that advertise GPUs take the job)")
	fl.StringVar(&f.state, "state", "", "name of a state volume mounted at /state that outlives the job on its provider")
	fl.BoolVar(&f.network, "network", false, "ask for network egress (only providers whose policy allows it run the job)")
	addFormatFlag(cmd, &f.output, "", formatJSON, formatYAML)
	cmd.Flags().Lookup("output").Usage = "print the final job record as json or yaml instead of the output"
	addPaymentFlags(cmd)
	return cmd
}

// dockerRun builds a container job from its flags and runs it.
func dockerRun(cmd *cobra.Command, g *globals, f *dockerRunFlags, args []string) error {
	j, inputs, err := dockerSpec(f, args[0], args[1:], cmd)
	if err != nil {
		return err
	}
	return runAndPrint(cmd, g, j, inputs, f.output, f.detach)
}

// dockerSpec is the job spec of a docker run.
func dockerSpec(f *dockerRunFlags, image string, args []string, cmd *cobra.Command) (*spec.Job, []localInput, error) {
	j, inputs, err := wasmSpec(&f.wasmRunFlags, "", args, cmd.InOrStdin())
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(image) == "" {
		return nil, nil, fmt.Errorf("IMAGE must not be empty")
	}
	j.Engine, j.Module, j.Image = spec.EngineDocker, "", image
	j.Name = jobName(imageName(image))
	j.Entrypoint, j.WorkingDir, j.Resources.GPU, j.Network, j.State = f.entrypoint, f.workdir, f.gpus, f.network, f.state
	return j, inputs, nil
}

// imageName is the last path element of an image reference, without its
// tag or digest: "ghcr.io/org/tool:1.2" gives "tool".
func imageName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}
