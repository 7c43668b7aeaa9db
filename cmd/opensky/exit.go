package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
)

// Exit codes for jobs that ended without a program exit code, following
// the conventions of timeout(1), shells and docker run.
const (
	exitJobFailure = 125 // the job could not run: invalid module, trap, no providers, a CLI error
	exitTimeout    = 124 // the job hit its time limit
	exitCancelled  = 130 // the job was cancelled (as by Ctrl-C)
	exitMemory     = 137 // the job hit its memory limit (as when killed by the OOM killer)
)

// exitError ends the process with code; err, when set, is printed first.
type exitError struct {
	code int
	err  error
}

// Error returns the message of the wrapped error, if any.
func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

// Unwrap returns the wrapped error.
func (e *exitError) Unwrap() error {
	return e.err
}

// withExitCode turns err, unless it already carries a code, into an
// *exitError with code.
func withExitCode(err error, code int) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*exitError); ok {
		return err
	}
	return &exitError{code: code, err: err}
}

// jobExitCode is the exit code a finished job gives the CLI: the program's
// own exit code when it has one, else a code for the class of failure.
func jobExitCode(j *api.Job) int {
	if j.ExitCode != 0 {
		// A shell sees the low byte; never turn a failure into success.
		if c := j.ExitCode & 0xff; c != 0 {
			return c
		}
		return 1
	}
	switch j.Phase {
	case api.PhaseCompleted:
		return 0
	case api.PhaseCancelled:
		return exitCancelled
	}
	return failureExitCode(j.ErrorCode)
}

// failureExitCode maps the error code of a failed job to an exit code.
func failureExitCode(code string) int {
	c := strings.ToLower(code)
	switch {
	case strings.Contains(c, "timeout"), strings.Contains(c, "deadline"):
		return exitTimeout
	case strings.Contains(c, "memory"), strings.Contains(c, "oom"):
		return exitMemory
	case strings.Contains(c, "cancel"):
		return exitCancelled
	}
	return exitJobFailure
}

// jobResult returns the error that ends a command with the job's exit
// code. When the job failed without a program exit code it first prints
// why on w, with a hint where one helps.
func jobResult(w io.Writer, j *api.Job) error {
	code := jobExitCode(j)
	if code == 0 {
		return nil
	}
	if j.ExitCode == 0 {
		reason := j.Reason
		if reason == "" {
			reason = "no reason given"
		}
		what := "failed"
		if j.Phase == api.PhaseCancelled {
			what = "was cancelled"
		}
		if j.ErrorCode != "" {
			fmt.Fprintf(w, "opensky: job %s %s (%s): %s\n", j.ID, what, j.ErrorCode, reason)
		} else {
			fmt.Fprintf(w, "opensky: job %s %s: %s\n", j.ID, what, reason)
		}
		switch code {
		case exitTimeout:
			fmt.Fprintln(w, "hint: raise the time limit (--timeout, or resources.timeout in the spec)")
		case exitMemory:
			fmt.Fprintln(w, "hint: raise the memory limit (--memory, or resources.memory in the spec)")
		}
	}
	return &exitError{code: code}
}
