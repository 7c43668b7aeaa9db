package spec

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Engines lists the valid engines.
var Engines = []Engine{EngineWasm, EngineDocker}

// validateProgram checks what runs: the engine and its module or image,
// entrypoint, working directory, arguments, environment and stdin.
func (j *Job) validateProgram(ps *problems) {
	switch j.Engine {
	case EngineWasm:
		j.validateWasm(ps)
	case EngineDocker:
		j.validateDocker(ps)
	case "":
		ps.add("engine", "required; one of %s", engineList())
	default:
		ps.add("engine", "unknown engine %q; valid engines are %s", j.Engine, engineList())
	}
	if j.Network && j.Engine == EngineWasm {
		ps.add("network", "engine wasm has no network; use engine docker")
	}
	switch {
	case j.State == "":
	case j.Engine == EngineWasm:
		ps.add("state", "engine wasm has no state volume; use engine docker")
	case !isDNSLabel(j.State):
		ps.add("state", "must be a DNS label (lowercase letters, digits and '-', at most %d)", MaxNameLen)
	}
	validateArgs(j.Args, ps)
	validateEnv(j.Env, ps)
	if len(j.Stdin) > MaxStdinBytes {
		ps.add("stdin", "%d bytes, the limit is %s", len(j.Stdin), ByteSize(MaxStdinBytes))
	}
}

func engineList() string {
	names := make([]string, len(Engines))
	for i, e := range Engines {
		names[i] = string(e)
	}
	return strings.Join(names, ", ")
}

func (j *Job) validateWasm(ps *problems) {
	switch {
	case j.Module == "":
		ps.add("module", "required for engine wasm")
	case strings.HasPrefix(j.Module, BlobPrefix) && !IsBlobRef(j.Module):
		ps.add("module", "invalid blob reference: want %s and 64 lowercase hex digits", BlobPrefix)
	case len(j.Module) > MaxModuleLen:
		ps.add("module", "longer than %d bytes", MaxModuleLen)
	case strings.IndexByte(j.Module, 0) >= 0:
		ps.add("module", "must not contain a NUL byte")
	}
	if j.Image != "" {
		ps.add("image", "not allowed for engine wasm (use module)")
	}
	if len(j.Entrypoint) > 0 {
		ps.add("entrypoint", "not allowed for engine wasm (the module's _start is the entrypoint)")
	}
	if j.WorkingDir != "" {
		ps.add("workingDir", "not allowed for engine wasm")
	}
}

func (j *Job) validateDocker(ps *problems) {
	switch {
	case j.Image == "":
		ps.add("image", "required for engine docker")
	case len(j.Image) > MaxImageLen:
		ps.add("image", "longer than %d bytes", MaxImageLen)
	case strings.ContainsFunc(j.Image, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		ps.add("image", "must not contain spaces or control characters")
	}
	if j.Module != "" {
		ps.add("module", "not allowed for engine docker (use image)")
	}
	if len(j.Entrypoint) > MaxEntrypoint {
		ps.add("entrypoint", "%d entries, the limit is %d", len(j.Entrypoint), MaxEntrypoint)
	}
	for i, e := range j.Entrypoint {
		if msg := argProblem(e); msg != "" {
			ps.add(indexPath("entrypoint", i), "%s", msg)
		}
	}
	if w := j.WorkingDir; w != "" {
		switch {
		case len(w) > MaxPathLen:
			ps.add("workingDir", "longer than %d bytes", MaxPathLen)
		case !path.IsAbs(w):
			ps.add("workingDir", "must be an absolute path")
		case textProblem(w) != "":
			ps.add("workingDir", "%s", textProblem(w))
		}
	}
}

func validateArgs(args []string, ps *problems) {
	if len(args) > MaxArgs {
		ps.add("args", "%d arguments, the limit is %d", len(args), MaxArgs)
	}
	for i, a := range args {
		if msg := argProblem(a); msg != "" {
			ps.add(indexPath("args", i), "%s", msg)
		}
	}
}

// argProblem describes what makes a a bad command-line argument, or "".
func argProblem(a string) string {
	switch {
	case len(a) > MaxArgBytes:
		return fmt.Sprintf("longer than %d bytes", MaxArgBytes)
	case strings.IndexByte(a, 0) >= 0:
		return "must not contain a NUL byte"
	}
	return ""
}

func validateEnv(env map[string]string, ps *problems) {
	if len(env) > MaxEnv {
		ps.add("env", "%d variables, the limit is %d", len(env), MaxEnv)
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := keyPath("env", k)
		switch {
		case len(k) > MaxEnvKeyBytes:
			ps.add(p, "name longer than %d bytes", MaxEnvKeyBytes)
		case !isEnvKey(k):
			ps.add(p, "invalid name: use letters, digits and _, not starting with a digit")
		case strings.HasPrefix(k, ReservedEnvPrefix):
			ps.add(p, "names starting with %s are reserved for the system", ReservedEnvPrefix)
		}
		switch v := env[k]; {
		case len(v) > MaxEnvValueBytes:
			ps.add(p, "value longer than %d bytes", MaxEnvValueBytes)
		case strings.IndexByte(v, 0) >= 0:
			ps.add(p, "value must not contain a NUL byte")
		}
	}
}
