package spec

import "fmt"

// RequireResolved returns a *ValidationError when the spec still names a
// local file: a Module that is not a blob reference or an input with File
// set. The CLI uploads such files and replaces them with blob references
// before a spec leaves the submitting machine.
func (j *Job) RequireResolved() error {
	var ps problems
	if j.Module != "" && !IsBlobRef(j.Module) {
		ps.add("module", "local file must be uploaded first")
	}
	if j.Reduce != nil && j.Reduce.Module != "" && !IsBlobRef(j.Reduce.Module) {
		ps.add("reduce.module", "local file must be uploaded first")
	}
	for i, in := range j.Inputs {
		if in.File != "" {
			ps.add(fmt.Sprintf("inputs[%d].file", i), "local file must be uploaded first")
		}
	}
	return ps.err()
}
