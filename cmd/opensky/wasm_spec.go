package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/opensky-network/opensky/internal/spec"
)

// wasmRunFlags are the options of `opensky wasm run`.
type wasmRunFlags struct {
	memory, cpu, timeout string
	shards               int
	env                  []string
	inputs               []string
	stdin                string
	detach               bool
	output               string
}

// localInput is an --input flag: a local file and its name under /inputs.
type localInput struct {
	path, name string
}

// wasmSpec builds the job spec of a wasm run from its flags. The module
// and inputs are still local paths; stdin is the standard input of the
// CLI, read when --stdin is "-".
func wasmSpec(f *wasmRunFlags, module string, args []string, stdin io.Reader) (*spec.Job, []localInput, error) {
	j := &spec.Job{
		APIVersion: spec.APIVersion,
		Kind:       spec.KindJob,
		Name:       jobName(module),
		Engine:     spec.EngineWasm,
		Module:     module,
		Args:       args,
		Shards:     f.shards,
	}
	var err error
	if f.memory != "" {
		if j.Resources.Memory, err = spec.ParseByteSize(f.memory); err != nil {
			return nil, nil, fmt.Errorf("--memory: %w", err)
		}
	}
	if f.cpu != "" {
		if j.Resources.CPU, err = spec.ParseMilliCPU(f.cpu); err != nil {
			return nil, nil, fmt.Errorf("--cpu: %w", err)
		}
	}
	if f.timeout != "" {
		if j.Resources.Timeout, err = spec.ParseDuration(f.timeout); err != nil {
			return nil, nil, fmt.Errorf("--timeout: %w", err)
		}
	}
	if j.Env, err = parseEnv(f.env); err != nil {
		return nil, nil, err
	}
	if j.Stdin, err = readStdin(f.stdin, stdin); err != nil {
		return nil, nil, err
	}
	var inputs []localInput
	for _, s := range f.inputs {
		in := parseInput(s)
		inputs = append(inputs, in)
		// A placeholder file reference until it is uploaded, so that
		// validation sees the input.
		j.Inputs = append(j.Inputs, spec.Input{Name: in.name, File: in.path})
	}
	return j, inputs, nil
}

// parseEnv parses K=V pairs; a bare K takes the value from the local
// environment, as docker run -e does.
func parseEnv(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	env := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			v, ok = os.LookupEnv(k)
			if !ok {
				return nil, fmt.Errorf("--env %s: not K=V and %s is not set here", p, k)
			}
		}
		if k == "" {
			return nil, fmt.Errorf("--env %q: empty variable name", p)
		}
		env[k] = v
	}
	return env, nil
}

// parseInput parses LOCAL[:NAME]. A value that names an existing file is
// taken whole, so local paths with a colon work.
func parseInput(s string) localInput {
	if i := strings.LastIndex(s, ":"); i > 0 && i < len(s)-1 {
		if _, err := os.Stat(s); err != nil {
			return localInput{path: s[:i], name: s[i+1:]}
		}
	}
	return localInput{path: s, name: filepath.Base(s)}
}

// readStdin returns the job's standard input: the contents of file, or of
// the CLI's own standard input when file is "-".
func readStdin(file string, stdin io.Reader) (string, error) {
	if file == "" {
		return "", nil
	}
	var (
		data []byte
		err  error
	)
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, spec.MaxStdinBytes+1))
	} else {
		var fh *os.File
		if fh, err = os.Open(file); err == nil {
			data, err = io.ReadAll(io.LimitReader(fh, spec.MaxStdinBytes+1))
			fh.Close()
		}
	}
	if err != nil {
		return "", fmt.Errorf("--stdin: %w", err)
	}
	if len(data) > spec.MaxStdinBytes {
		return "", fmt.Errorf("--stdin: more than %d bytes; pass large data with --input instead", spec.MaxStdinBytes)
	}
	if !utf8.Valid(data) {
		return "", errors.New("--stdin: not UTF-8 text; pass binary data with --input instead")
	}
	return string(data), nil
}

// jobName derives a job name (a DNS label) from a module path:
// "./Hello_World.wasm" becomes "hello-world".
func jobName(module string) string {
	base := strings.TrimSuffix(filepath.Base(module), filepath.Ext(module))
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	name := b.String()
	if len(name) > spec.MaxNameLen {
		name = name[:spec.MaxNameLen]
	}
	return strings.Trim(name, "-")
}
