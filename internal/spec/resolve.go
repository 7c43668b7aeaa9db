package spec

import "fmt"

// RequireResolved returns a *ValidationError when the spec still names a
// local file or a stored object: a Module that is not a blob reference,
// or an input with File or Object set. The CLI uploads such files and replaces them with blob references
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
		if in.Object != "" {
			ps.add(fmt.Sprintf("inputs[%d].object", i), "stored object must be opened into a blob first (POST /api/v1/storage/{cid}/blob with its key)")
		}
	}
	return ps.err()
}
