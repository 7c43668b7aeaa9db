package spec

import "strings"

// validateSplitReduce checks how inputs are split among shards and the
// reduce step.
func (j *Job) validateSplitReduce(ps *problems) {
	switch j.Split {
	case "", SplitFiles:
	case SplitLines:
		if len(j.Inputs) != 1 {
			ps.add("split", "split: lines cuts one input into ranges of lines; this job has %d inputs", len(j.Inputs))
		}
	default:
		ps.add("split", "unknown split %q; use files or lines", j.Split)
	}
	r := j.Reduce
	if r == nil {
		return
	}
	switch j.Engine {
	case EngineWasm:
		if r.Image != "" {
			ps.add("reduce.image", "not allowed for engine wasm (use reduce.module)")
		}
		switch m := r.Module; {
		case strings.HasPrefix(m, BlobPrefix) && !IsBlobRef(m):
			ps.add("reduce.module", "invalid blob reference: want %s and 64 lowercase hex digits", BlobPrefix)
		case len(m) > MaxModuleLen:
			ps.add("reduce.module", "longer than %d bytes", MaxModuleLen)
		case strings.IndexByte(m, 0) >= 0:
			ps.add("reduce.module", "must not contain a NUL byte")
		}
	case EngineDocker:
		if r.Module != "" {
			ps.add("reduce.module", "not allowed for engine docker (use reduce.image)")
		}
		if len(r.Image) > MaxModuleLen || strings.IndexByte(r.Image, 0) >= 0 {
			ps.add("reduce.image", "not a valid image reference")
		}
	}
	var sub problems
	validateArgs(r.Args, &sub)
	validateEnv(r.Env, &sub)
	for _, p := range sub.list {
		ps.add("reduce."+p.Path, "%s", p.Message)
	}
}
