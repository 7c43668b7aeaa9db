package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

const jobYAML = `apiVersion: opensky/v1
name: wordcount
engine: wasm
module: bin/wc.wasm
args: [/inputs/text.txt]
inputs:
  - name: text.txt
    file: data/text.txt
  - name: again.txt
    file: ./data/text.txt
  - name: inline.txt
    content: hello
`

func TestJobRunResolvesPathsRelativeToSpec(t *testing.T) {
	b, url := startGateway(t, func(spec.Job) outcome { return outcome{phase: api.PhaseCompleted} })
	dir := t.TempDir()
	writeFile(t, dir, "bin/wc.wasm", wasmBytes)
	writeFile(t, dir, "data/text.txt", []byte("to be or not"))
	specPath := writeFile(t, dir, "jobs/../job.yaml", []byte(jobYAML))

	code, stdout, stderr := cli(t, url, "", "job", "run", "-f", specPath)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	s := b.submitted[0]
	if s.Module != spec.BlobRef(wasmBytes) {
		t.Fatalf("module %q", s.Module)
	}
	textRef := spec.BlobRef([]byte("to be or not"))
	if s.Inputs[0].Blob != textRef || s.Inputs[1].Blob != textRef || s.Inputs[0].File != "" || s.Inputs[2].Content != "hello" {
		t.Fatalf("inputs %+v", s.Inputs)
	}
	if len(b.blobs) != 2 {
		t.Fatalf("%d blobs uploaded, want 2 (the module and one text file)", len(b.blobs))
	}
	for _, want := range []string{"submitted job job-1", "queued", "running", "completed", "tasks 1/1 done"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress %q lacks %q", stderr, want)
		}
	}
	if !strings.Contains(stdout, "job-1 (wordcount)") || !strings.Contains(stdout, "completed") || !strings.Contains(stdout, "$0.000042") {
		t.Errorf("summary %q", stdout)
	}
}

func TestJobRunFailureExitCode(t *testing.T) {
	_, url := startGateway(t, func(spec.Job) outcome {
		return outcome{phase: api.PhaseFailed, errorCode: "timeout", reason: "deadline exceeded after 30s"}
	})
	dir := t.TempDir()
	writeFile(t, dir, "bin/wc.wasm", wasmBytes)
	writeFile(t, dir, "data/text.txt", []byte("x"))
	specPath := writeFile(t, dir, "job.yaml", []byte(jobYAML))
	code, stdout, stderr := cli(t, url, "", "job", "run", "-f", specPath)
	if code != 124 || !strings.Contains(stderr, "deadline exceeded after 30s") || !strings.Contains(stdout, "failed") {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestJobRunOutputFormats(t *testing.T) {
	_, url := startGateway(t, nil)
	dir := t.TempDir()
	writeFile(t, dir, "bin/wc.wasm", wasmBytes)
	writeFile(t, dir, "data/text.txt", []byte("x"))
	specPath := writeFile(t, dir, "job.yaml", []byte(jobYAML))

	code, jsonOut, stderr := cli(t, url, "", "job", "run", "-f", specPath, "-o", "json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	var j api.Job
	if err := json.Unmarshal([]byte(jsonOut), &j); err != nil || j.Phase != api.PhaseCompleted || j.Spec.Name != "wordcount" {
		t.Fatalf("json %q: %v", jsonOut, err)
	}
	code, yamlOut, _ := cli(t, url, "", "job", "run", "-f", specPath, "-o", "yaml")
	var y map[string]any
	if err := yaml.Unmarshal([]byte(yamlOut), &y); code != 0 || err != nil || y["phase"] != "completed" {
		t.Fatalf("code %d yaml %q: %v", code, yamlOut, err)
	}
}

func TestYAMLOutputMatchesJSON(t *testing.T) {
	_, url := startGateway(t, nil)
	mod := writeFile(t, t.TempDir(), "m.wasm", wasmBytes)
	if code, _, stderr := cli(t, url, "", "wasm", "run", "-e", "NUM=007", "-e", "B=true", mod, "--", "yes", "1.5", "null"); code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	_, jsonOut, _ := cli(t, url, "", "job", "describe", "job-1", "-o", "json")
	_, yamlOut, _ := cli(t, url, "", "job", "describe", "job-1", "-o", "yaml")
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal([]byte(yamlOut), &fromYAML); err != nil {
		t.Fatalf("yaml %q: %v", yamlOut, err)
	}
	if err := json.Unmarshal([]byte(jsonOut), &fromJSON); err != nil {
		t.Fatalf("json %q: %v", jsonOut, err)
	}
	a, _ := json.Marshal(normalize(fromYAML))
	b, _ := json.Marshal(normalize(fromJSON))
	if string(a) != string(b) {
		t.Fatalf("yaml and json disagree:\n%s\n%s", a, b)
	}
	// Strings that look like other YAML types stay strings.
	if !strings.Contains(yamlOut, `NUM: "007"`) || !strings.Contains(yamlOut, `- "yes"`) {
		t.Fatalf("yaml %s", yamlOut)
	}
}

// normalize makes decoded YAML and JSON comparable: numbers as float64.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case int:
		return float64(x)
	}
	return v
}

func TestJobRunInvalidSpec(t *testing.T) {
	b, url := startGateway(t, nil)
	specPath := writeFile(t, t.TempDir(), "job.yaml", []byte("apiVersion: opensky/v9\nengine: wasm\nmodule: m.wasm\n"))
	code, _, stderr := cli(t, url, "", "job", "run", "-f", specPath)
	if code == 0 || !strings.Contains(stderr, "apiVersion") {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	if len(b.submitted) != 0 || len(b.blobs) != 0 {
		t.Fatal("an invalid spec was uploaded or submitted")
	}
	code, _, stderr = cli(t, url, "", "job", "run", "-f", filepath.Join(t.TempDir(), "job.yaml"))
	if code == 0 || !strings.Contains(stderr, "job.yaml") {
		t.Fatalf("missing file: code %d stderr %q", code, stderr)
	}
}

func TestJobRunDetachFromStdin(t *testing.T) {
	b, url := startGateway(t, nil)
	body := "apiVersion: opensky/v1\nengine: wasm\nmodule: " + spec.BlobRef(wasmBytes) + "\n"
	b.blobs[spec.BlobRef(wasmBytes)] = wasmBytes
	code, stdout, stderr := cli(t, url, body, "job", "run", "-f", "-", "--detach")
	if code != 0 || stdout != "job-1\n" {
		t.Fatalf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
}
