package main

import (
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

func newWasmRunCmd(g *globals) *cobra.Command {
	var f wasmRunFlags
	cmd := &cobra.Command{
		Use:   "run MODULE.wasm [flags] [-- ARGS...]",
		Short: "Run a WebAssembly module on the network and print its output",
		Long: `Upload a WebAssembly (WASI) module and its input files, run it on the network
and wait for it, then print each shard's standard output and standard error
in shard order and exit with the job's exit code, like docker run.

Flags may come before or after MODULE; everything after "--" is passed to
the module (a module argument that starts with "-" needs the "--").
When the job fails without a program exit code the reason goes to stderr and
the exit code is 124 (time limit), 137 (memory limit), 130 (cancelled) or 125
(any other failure: invalid module, trap, no providers, or an error of the
CLI itself).`,
		Example: `  opensky wasm run hello.wasm
  opensky wasm run pi.wasm --shards 16 --memory 64Mi --timeout 30s -- 1000000
  opensky wasm run --memory 128Mi --timeout 1m --input data.csv wordcount.wasm -- /inputs/data.csv
  echo hi | opensky wasm run --stdin - cat.wasm`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withExitCode(wasmRun(cmd, g, &f, args), exitJobFailure)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.memory, "memory", "", "memory limit per task (e.g. 64Mi, 1Gi; default 64Mi)")
	fl.StringVar(&f.cpu, "cpu", "", "CPU per task in cores (e.g. 1, 0.5, 250m; default 1)")
	fl.StringVar(&f.timeout, "timeout", "", "time limit per task (e.g. 30s, 5m; default 30s)")
	fl.IntVar(&f.shards, "shards", 1, "number of parallel tasks; each sees OPENSKY_SHARD_INDEX and OPENSKY_SHARD_COUNT")
	fl.StringArrayVarP(&f.env, "env", "e", nil, "environment variable K=V (repeatable; a bare K copies the local value)")
	fl.StringArrayVarP(&f.inputs, "input", "i", nil, "local file to mount at /inputs/NAME, as LOCAL[:NAME] (repeatable)")
	fl.StringVar(&f.stdin, "stdin", "", "file whose contents are the module's standard input, or - for this command's")
	fl.BoolVarP(&f.detach, "detach", "d", false, "print the job ID and return without waiting")
	addFormatFlag(cmd, &f.output, "", formatJSON, formatYAML)
	cmd.Flags().Lookup("output").Usage = "print the final job record as json or yaml instead of the output"
	addPaymentFlags(cmd)
	return cmd
}

// wasmRun uploads, submits and waits for a wasm job, then prints its
// output and returns its exit code as an error.
func wasmRun(cmd *cobra.Command, g *globals, f *wasmRunFlags, args []string) error {
	module, progArgs := args[0], args[1:]
	if len(progArgs) > 0 && progArgs[0] == "--" && cmd.Flags().ArgsLenAtDash() < 0 {
		progArgs = progArgs[1:]
	}
	j, inputs, err := wasmSpec(f, module, progArgs, cmd.InOrStdin())
	if err != nil {
		return err
	}
	return runAndPrint(cmd, g, j, inputs, f.output, f.detach)
}

// runAndPrint validates a job built from run flags, uploads its local
// module (if any) and inputs, submits it and, unless detached, waits for it
// and prints its output like docker run, returning the job's exit code as
// an error.
func runAndPrint(cmd *cobra.Command, g *globals, j *spec.Job, inputs []localInput, output string, detach bool) error {
	j.Default()
	if err := j.Validate(); err != nil {
		return fmt.Errorf("invalid job:\n%w", err)
	}
	ctx := cmd.Context()
	c := g.client()
	up := newUploader(c)
	var err error
	if j.Module != "" {
		if j.Module, err = up.upload(ctx, j.Module); err != nil {
			return err
		}
	}
	for i, in := range inputs {
		ref, err := up.upload(ctx, in.path)
		if err != nil {
			return err
		}
		j.Inputs[i].Blob, j.Inputs[i].File = ref, ""
	}
	if err := payForJob(cmd, g, c, j); err != nil {
		return err
	}
	rec, err := c.SubmitJob(ctx, *j)
	if err != nil {
		return err
	}
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if detach {
		_, err := fmt.Fprintln(stdout, rec.ID)
		return err
	}
	final, err := waitJob(ctx, c, rec.ID, stderr, nil)
	if err != nil {
		return err
	}
	ctx, cancel := afterWait(ctx)
	defer cancel()
	if output != "" {
		if err := printData(stdout, output, final); err != nil {
			return err
		}
		return jobResult(stderr, final)
	}
	logs, err := c.Logs(ctx, final.ID)
	if err != nil {
		return err
	}
	if err := printShardLogs(stdout, stderr, logs.Tasks); err != nil {
		return err
	}
	return jobResult(stderr, final)
}

// printShardLogs writes each shard's output in shard order: stdout to
// stdout, stderr to stderr. With replicas, the first replica's is shown.
func printShardLogs(stdout, stderr io.Writer, logs []api.TaskLog) error {
	logs = slices.Clone(logs)
	slices.SortStableFunc(logs, func(a, b api.TaskLog) int {
		if a.Shard != b.Shard {
			return a.Shard - b.Shard
		}
		return a.Replica - b.Replica
	})
	for i, l := range logs {
		if i > 0 && logs[i-1].Shard == l.Shard {
			continue
		}
		if _, err := io.WriteString(stdout, l.Stdout); err != nil {
			return err
		}
		if _, err := io.WriteString(stderr, l.Stderr); err != nil {
			return err
		}
		if l.Truncated {
			fmt.Fprintf(stderr, "opensky: output of shard %d was truncated\n", l.Shard)
		}
	}
	return nil
}
