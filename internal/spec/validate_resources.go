package spec

// validateResources checks the per-task limits. Zero means unset for cpu,
// memory, disk and timeout (Default fills them).
func (j *Job) validateResources(ps *problems) {
	r := j.Resources
	wasm := j.Engine == EngineWasm
	switch {
	case r.CPU < 0:
		ps.add("resources.cpu", "must not be negative")
	case r.CPU > MaxCPU:
		ps.add("resources.cpu", "%s is more than the limit of %s cores", r.CPU, MaxCPU)
	}
	switch {
	case r.Memory < 0:
		ps.add("resources.memory", "must not be negative")
	case r.Memory == 0:
	case r.Memory < MinMemory:
		ps.add("resources.memory", "%s is less than the minimum of %s", r.Memory, MinMemory)
	case r.Memory > MaxMemory:
		ps.add("resources.memory", "%s is more than the limit of %s", r.Memory, MaxMemory)
	case wasm && r.Memory > MaxWasmMemory:
		ps.add("resources.memory", "%s is more than the limit of %s for engine wasm", r.Memory, MaxWasmMemory)
	}
	switch {
	case r.Disk < 0:
		ps.add("resources.disk", "must not be negative")
	case r.Disk > MaxDisk:
		ps.add("resources.disk", "%s is more than the limit of %s", r.Disk, MaxDisk)
	}
	switch {
	case r.Timeout < 0:
		ps.add("resources.timeout", "must not be negative")
	case r.Timeout == 0:
	case r.Timeout < MinTimeout:
		ps.add("resources.timeout", "%s is less than the minimum of %s", r.Timeout, MinTimeout)
	case r.Timeout > MaxTimeout:
		ps.add("resources.timeout", "%s is more than the limit of %s", r.Timeout, MaxTimeout)
	}
	switch {
	case r.GPU < 0:
		ps.add("resources.gpu", "must not be negative")
	case r.GPU > MaxGPU:
		ps.add("resources.gpu", "%d is more than the limit of %d", r.GPU, MaxGPU)
	case wasm && r.GPU != 0:
		ps.add("resources.gpu", "must be 0 for engine wasm")
	}
}
