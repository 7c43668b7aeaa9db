package spec

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid matches every *ValidationError with errors.Is.
var ErrInvalid = errors.New("invalid job spec")

// Problem is one thing wrong with a spec. Path names the field in dotted
// and indexed form ("inputs[2].name", "env.FOO", "resources.timeout"); it
// is empty for a problem with the document as a whole.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String returns "path: message", or the message alone when Path is empty.
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a spec.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

// Error prints the problems one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool {
	return target == ErrInvalid
}

// MaxProblems bounds the problems one ValidationError lists; past it, a
// last problem says how many more were found.
const MaxProblems = 100

// problems collects Problems in the order they are found, keeping the
// first MaxProblems and counting the rest.
type problems struct {
	list []Problem
	more int
}

// add records a problem at path.
func (ps *problems) add(path, format string, args ...any) {
	if len(ps.list) >= MaxProblems {
		ps.more++
		return
	}
	ps.list = append(ps.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was recorded, else a *ValidationError.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	list := ps.list
	if ps.more > 0 {
		list = append(list[:len(list):len(list)], Problem{Message: fmt.Sprintf("and %d more problems", ps.more)})
	}
	return &ValidationError{Problems: list}
}
