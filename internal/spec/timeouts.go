package spec

// Timeouts bound the phases of one task attempt. Zero means the
// orchestrator's or the provider's default.
type Timeouts struct {
	// Matching bounds the search for a provider that takes the task.
	Matching Duration `json:"matching,omitempty"`
	// Staging bounds fetching and writing the task's inputs and module.
	Staging Duration `json:"staging,omitempty"`
	// Pulling bounds making sure the task's image is on the provider
	// (engine docker); it does not count against resources.timeout.
	Pulling Duration `json:"pulling,omitempty"`
}

// validateTimeouts checks the job's deadline and phase timeouts: zero
// means unset, anything else is bounded like a run timeout.
func (j *Job) validateTimeouts(ps *problems) {
	check := func(path string, d, most Duration) {
		switch {
		case d < 0:
			ps.add(path, "must not be negative")
		case d == 0:
		case d < MinTimeout:
			ps.add(path, "%s is less than the minimum of %s", d, MinTimeout)
		case d > most:
			ps.add(path, "%s is more than the limit of %s", d, most)
		}
	}
	check("deadline", j.Deadline, MaxDeadline)
	check("timeouts.matching", j.Timeouts.Matching, MaxTimeout)
	check("timeouts.staging", j.Timeouts.Staging, MaxTimeout)
	check("timeouts.pulling", j.Timeouts.Pulling, MaxTimeout)
	if j.Engine == EngineWasm && j.Timeouts.Pulling != 0 {
		ps.add("timeouts.pulling", "applies to engine docker only")
	}
}
