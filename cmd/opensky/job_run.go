package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

func newJobRunCmd(g *globals) *cobra.Command {
	var (
		file   string
		detach bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "run -f JOB.yaml",
		Short: "Submit a job spec, follow its progress and print the result",
		Long: `Submit the job spec in FILE (YAML or JSON; - reads standard input). Local files
it names (module, inputs[].file) are uploaded first; relative paths are
relative to the spec file's directory. Progress goes to stderr, one line per
change; the result (a summary, or the job record with -o json|yaml) to
stdout. The exit code is the job's, as with 'opensky wasm run'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return jobRun(cmd, g, file, detach, output)
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "job spec file (YAML or JSON), or - for standard input")
	_ = cmd.MarkFlagRequired("file")
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "print the job ID and return without waiting")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	addPaymentFlags(cmd)
	return cmd
}

// jobRun submits the spec in file and reports on the job.
func jobRun(cmd *cobra.Command, g *globals, file string, detach bool, output string) error {
	j, dir, err := readSpec(file, cmd.InOrStdin())
	if err != nil {
		return err
	}
	j.Default()
	if err := j.Validate(); err != nil {
		return fmt.Errorf("%s is invalid:\n%w", file, err)
	}
	ctx := cmd.Context()
	c := g.client()
	if err := resolveSpec(ctx, newUploader(c), j, dir); err != nil {
		return err
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
		if output != formatTable {
			return printData(stdout, output, rec)
		}
		_, err := fmt.Fprintln(stdout, rec.ID)
		return err
	}
	fmt.Fprintf(stderr, "submitted job %s\n", rec.ID)
	final, err := waitJob(ctx, c, rec.ID, stderr, progressPrinter(stderr, time.Now()))
	if err != nil {
		return err
	}
	if output != formatTable {
		err = printData(stdout, output, final)
	} else {
		err = printSummary(stdout, final)
	}
	if err != nil {
		return err
	}
	return jobResult(stderr, final)
}

// readSpec decodes the spec in file ("-" for r) and returns it with the
// directory its relative paths are relative to.
func readSpec(file string, r io.Reader) (*spec.Job, string, error) {
	if file == "-" {
		data, err := io.ReadAll(io.LimitReader(r, spec.MaxSpecBytes+1))
		if err != nil {
			return nil, "", fmt.Errorf("read spec: %w", err)
		}
		j, err := spec.Decode(data)
		if err != nil {
			return nil, "", fmt.Errorf("spec on standard input:\n%w", err)
		}
		dir, err := os.Getwd()
		return j, dir, err
	}
	j, err := spec.DecodeFile(file)
	if err != nil {
		return nil, "", err
	}
	return j, filepath.Dir(file), nil
}

// progressPrinter returns a function that prints one line on w each time
// the phase or the number of finished tasks changes.
func progressPrinter(w io.Writer, start time.Time) func(*api.Job) {
	var (
		phase api.Phase
		done  = -1
	)
	return func(j *api.Job) {
		d := tasksDone(j)
		if j.Phase == phase && d == done {
			return
		}
		phase, done = j.Phase, d
		fmt.Fprintf(w, "[%7s] %-10s tasks %d/%d done\n", elapsed(time.Since(start)), j.Phase, d, len(j.Tasks))
	}
}

// printSummary writes the outcome of a finished job.
func printSummary(w io.Writer, j *api.Job) error {
	t := newTable(w)
	t.row("Job:", j.ID+nameSuffix(j))
	t.row("Phase:", string(j.Phase))
	t.row("Exit code:", fmt.Sprint(j.ExitCode))
	if j.Reason != "" {
		t.row("Reason:", j.Reason+codeSuffix(j.ErrorCode))
	}
	t.row("Tasks:", fmt.Sprintf("%d/%d done", tasksDone(j), len(j.Tasks)))
	if !j.CreatedAt.IsZero() && !j.UpdatedAt.IsZero() {
		t.row("Duration:", elapsed(j.UpdatedAt.Sub(j.CreatedAt)))
	}
	t.row("Cost:", money(j.Cost))
	t.row("Logs:", "opensky job logs "+j.ID)
	t.row("Outputs:", "opensky job get "+j.ID+" -o DIR")
	return t.flush()
}

func nameSuffix(j *api.Job) string {
	if j.Spec.Name == "" {
		return ""
	}
	return " (" + j.Spec.Name + ")"
}

func codeSuffix(code string) string {
	if code == "" {
		return ""
	}
	return " [" + code + "]"
}
