package spec

// Validate checks the spec and returns nil or a *ValidationError listing
// every problem at once (up to MaxProblems), each with its field path.
//
// Zero values of fields that have defaults (kind, shards, replicas, cpu,
// memory, disk, timeout) mean "unset", so Validate may run before or after
// Default; the bounds are the constants in limits.go.
func (j *Job) Validate() error {
	var ps problems
	j.validateMeta(&ps)
	j.validateProgram(&ps)
	j.validateResources(&ps)
	j.validateTimeouts(&ps)
	j.validateInputs(&ps)
	j.validateOutputs(&ps)
	j.validatePlacement(&ps)
	j.validateSplitReduce(&ps)
	j.validateVerification(&ps)
	return ps.err()
}
