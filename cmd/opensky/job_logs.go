package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opensky-network/opensky/internal/api"
)

func newJobLogsCmd(g *globals) *cobra.Command {
	var (
		follow bool
		output string
	)
	cmd := &cobra.Command{
		Use:   "logs ID",
		Short: "Print the output of a job's tasks",
		Long: `Print what each finished task of a job wrote: standard output to stdout,
standard error to stderr. With several tasks each is introduced by a header
line. With --follow, print the output live as the tasks write it, until the
job ends. -o json|yaml prints the log records instead (with --follow, one JSON
object per line or one YAML document per task).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, c, id := cmd.Context(), g.client(), args[0]
			lw := &logWriter{stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(), format: output}
			if follow {
				lw.headers = true
				return c.FollowLogs(ctx, id, lw.write)
			}
			logs, err := c.Logs(ctx, id)
			if err != nil {
				return err
			}
			if output != formatTable {
				return printData(lw.stdout, output, logs)
			}
			lw.headers = len(logs.Tasks) > 1
			for _, l := range logs.Tasks {
				if err := lw.write(l); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "print the output live as it is written, until the job ends")
	addFormatFlag(cmd, &output, formatTable, formatJSON, formatYAML)
	return cmd
}

// logWriter prints task logs in one of the output formats.
type logWriter struct {
	stdout, stderr io.Writer
	format         string
	headers        bool
	last           string // the task whose output was printed last
}

// write prints one task's log.
func (lw *logWriter) write(l api.TaskLog) error {
	switch lw.format {
	case formatJSON:
		data, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(lw.stdout, "%s\n", data)
		return err
	case formatYAML:
		if _, err := io.WriteString(lw.stdout, "---\n"); err != nil {
			return err
		}
		return printData(lw.stdout, formatYAML, l)
	}
	if lw.headers && l.TaskID != lw.last {
		lw.last = l.TaskID
		header := fmt.Sprintf("==> shard %d, replica %d (task %s) <==\n", l.Shard, l.Replica, l.TaskID)
		if _, err := io.WriteString(lw.stdout, header); err != nil {
			return err
		}
		if l.Stderr != "" {
			io.WriteString(lw.stderr, header)
		}
	}
	if _, err := io.WriteString(lw.stdout, l.Stdout); err != nil {
		return err
	}
	if _, err := io.WriteString(lw.stderr, l.Stderr); err != nil {
		return err
	}
	if l.Truncated {
		fmt.Fprintf(lw.stderr, "opensky: output of task %s was truncated\n", l.TaskID)
	}
	return nil
}
