package spec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const testBlob = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func wasmJob() *Job {
	return &Job{APIVersion: APIVersion, Engine: EngineWasm, Module: "pi.wasm"}
}

func dockerJob() *Job {
	return &Job{APIVersion: APIVersion, Engine: EngineDocker, Image: "alpine:3.20"}
}

func TestValidateRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	cases := []struct {
		name   string
		base   func() *Job
		mutate func(j *Job)
		path   string // "" means the job is valid
		msg    string // a substring of the message
	}{
		{"minimal wasm", wasmJob, func(j *Job) {}, "", ""},
		{"minimal docker", dockerJob, func(j *Job) {}, "", ""},
		{"defaulted", wasmJob, func(j *Job) { j.Default() }, "", ""},
		{"missing apiVersion", wasmJob, func(j *Job) { j.APIVersion = "" }, "apiVersion", `required; this build understands "opensky/v1"`},
		{"other apiVersion", wasmJob, func(j *Job) { j.APIVersion = "opensky/v2" }, "apiVersion", `unsupported version "opensky/v2"`},
		{"kind Job", wasmJob, func(j *Job) { j.Kind = "Job" }, "", ""},
		{"other kind", wasmJob, func(j *Job) { j.Kind = "Service" }, "kind", `unsupported kind "Service"`},
		{"good name", wasmJob, func(j *Job) { j.Name = "pi-2" }, "", ""},
		{"63-character name", wasmJob, func(j *Job) { j.Name = long(63) }, "", ""},
		{"64-character name", wasmJob, func(j *Job) { j.Name = long(64) }, "name", "at most 63"},
		{"upper-case name", wasmJob, func(j *Job) { j.Name = "Pi" }, "name", "lowercase"},
		{"name ending with a dash", wasmJob, func(j *Job) { j.Name = "pi-" }, "name", "starting and ending"},
		{"name with a dot", wasmJob, func(j *Job) { j.Name = "pi.v2" }, "name", "lowercase"},

		{"no engine", wasmJob, func(j *Job) { j.Engine = "" }, "engine", "required; one of wasm, docker"},
		{"unknown engine", wasmJob, func(j *Job) { j.Engine = "vm" }, "engine", `unknown engine "vm"; valid engines are wasm, docker`},
		{"wasm without module", wasmJob, func(j *Job) { j.Module = "" }, "module", "required for engine wasm"},
		{"wasm with a blob module", wasmJob, func(j *Job) { j.Module = testBlob }, "", ""},
		{"wasm with a broken blob", wasmJob, func(j *Job) { j.Module = "sha256:abc" }, "module", "invalid blob reference"},
		{"wasm with a NUL in module", wasmJob, func(j *Job) { j.Module = "a\x00" }, "module", "NUL"},
		{"wasm with an image", wasmJob, func(j *Job) { j.Image = "alpine" }, "image", "not allowed for engine wasm"},
		{"wasm with an entrypoint", wasmJob, func(j *Job) { j.Entrypoint = []string{"x"} }, "entrypoint", "not allowed for engine wasm"},
		{"wasm with a workingDir", wasmJob, func(j *Job) { j.WorkingDir = "/w" }, "workingDir", "not allowed for engine wasm"},
		{"docker without image", dockerJob, func(j *Job) { j.Image = "" }, "image", "required for engine docker"},
		{"docker with a module", dockerJob, func(j *Job) { j.Module = "x.wasm" }, "module", "not allowed for engine docker"},
		{"docker image with a space", dockerJob, func(j *Job) { j.Image = "alpine latest" }, "image", "spaces"},
		{"docker image too long", dockerJob, func(j *Job) { j.Image = long(MaxImageLen + 1) }, "image", "longer than 512"},
		{"docker entrypoint", dockerJob, func(j *Job) { j.Entrypoint = []string{"/bin/sh", "-c"} }, "", ""},
		{"docker entrypoint NUL", dockerJob, func(j *Job) { j.Entrypoint = []string{"/bin/sh", "a\x00"} }, "entrypoint[1]", "NUL"},
		{"docker too many entrypoint entries", dockerJob, func(j *Job) { j.Entrypoint = make([]string, MaxEntrypoint+1) }, "entrypoint", "65 entries"},
		{"docker workingDir", dockerJob, func(j *Job) { j.WorkingDir = "/work" }, "", ""},
		{"docker relative workingDir", dockerJob, func(j *Job) { j.WorkingDir = "work" }, "workingDir", "absolute"},

		{"1024 args", wasmJob, func(j *Job) { j.Args = make([]string, MaxArgs) }, "", ""},
		{"1025 args", wasmJob, func(j *Job) { j.Args = make([]string, MaxArgs+1) }, "args", "1025 arguments, the limit is 1024"},
		{"long arg", wasmJob, func(j *Job) { j.Args = []string{"ok", long(MaxArgBytes + 1)} }, "args[1]", "longer than 4096"},
		{"arg with NUL", wasmJob, func(j *Job) { j.Args = []string{"a\x00b"} }, "args[0]", "NUL"},

		{"env", wasmJob, func(j *Job) { j.Env = map[string]string{"_A1": "x", "b": ""} }, "", ""},
		{"env key with a dash", wasmJob, func(j *Job) { j.Env = map[string]string{"MY-VAR": "x"} }, "env.MY-VAR", "invalid name"},
		{"env key with a digit first", wasmJob, func(j *Job) { j.Env = map[string]string{"1A": "x"} }, `env["1A"]`, "invalid name"},
		{"empty env key", wasmJob, func(j *Job) { j.Env = map[string]string{"": "x"} }, `env[""]`, "invalid name"},
		{"reserved env key", wasmJob, func(j *Job) { j.Env = map[string]string{"OPENSKY_SHARD_INDEX": "3"} }, "env.OPENSKY_SHARD_INDEX", "reserved for the system"},
		{"long env value", wasmJob, func(j *Job) { j.Env = map[string]string{"A": long(MaxEnvValueBytes + 1)} }, "env.A", "value longer than 4096"},
		{"env value with NUL", wasmJob, func(j *Job) { j.Env = map[string]string{"A": "\x00"} }, "env.A", "NUL"},
		{"long env key", wasmJob, func(j *Job) { j.Env = map[string]string{long(MaxEnvKeyBytes + 1): ""} }, "env." + long(MaxEnvKeyBytes+1), "name longer"},
		{"too many env", wasmJob, func(j *Job) {
			j.Env = map[string]string{}
			for i := range MaxEnv + 1 {
				j.Env["V"+itoa(i)] = ""
			}
		}, "env", "257 variables"},
		{"1MiB stdin", wasmJob, func(j *Job) { j.Stdin = long(MaxStdinBytes) }, "", ""},
		{"large stdin", wasmJob, func(j *Job) { j.Stdin = long(MaxStdinBytes + 1) }, "stdin", "the limit is 1Mi"},

		{"cpu 64 cores", wasmJob, func(j *Job) { j.Resources.CPU = 64 * Core }, "", ""},
		{"cpu 1m", wasmJob, func(j *Job) { j.Resources.CPU = 1 }, "", ""},
		{"cpu over 64", wasmJob, func(j *Job) { j.Resources.CPU = 64*Core + 1 }, "resources.cpu", "64001m is more than the limit of 64 cores"},
		{"cpu negative", wasmJob, func(j *Job) { j.Resources.CPU = -1 }, "resources.cpu", "negative"},
		{"memory 1Mi", wasmJob, func(j *Job) { j.Resources.Memory = MiB }, "", ""},
		{"memory under 1Mi", wasmJob, func(j *Job) { j.Resources.Memory = MiB - 1 }, "resources.memory", "less than the minimum of 1Mi"},
		{"memory 4Gi wasm", wasmJob, func(j *Job) { j.Resources.Memory = 4 * GiB }, "", ""},
		{"memory over 4Gi wasm", wasmJob, func(j *Job) { j.Resources.Memory = 5 * GiB }, "resources.memory", "limit of 4Gi for engine wasm"},
		{"memory 64Gi docker", dockerJob, func(j *Job) { j.Resources.Memory = 64 * GiB }, "", ""},
		{"memory over 64Gi", dockerJob, func(j *Job) { j.Resources.Memory = 65 * GiB }, "resources.memory", "more than the limit of 64Gi"},
		{"memory negative", dockerJob, func(j *Job) { j.Resources.Memory = -1 }, "resources.memory", "negative"},
		{"disk 1Ti", dockerJob, func(j *Job) { j.Resources.Disk = TiB }, "", ""},
		{"disk over 1Ti", dockerJob, func(j *Job) { j.Resources.Disk = TiB + 1 }, "resources.disk", "limit of 1Ti"},
		{"disk negative", dockerJob, func(j *Job) { j.Resources.Disk = -1 }, "resources.disk", "negative"},
		{"timeout 10ms", wasmJob, func(j *Job) { j.Resources.Timeout = Duration(10 * time.Millisecond) }, "", ""},
		{"timeout 24h", wasmJob, func(j *Job) { j.Resources.Timeout = Duration(24 * time.Hour) }, "", ""},
		{"timeout 9ms", wasmJob, func(j *Job) { j.Resources.Timeout = Duration(9 * time.Millisecond) }, "resources.timeout", "9ms is less than the minimum of 10ms"},
		{"timeout 25h", wasmJob, func(j *Job) { j.Resources.Timeout = Duration(25 * time.Hour) }, "resources.timeout", "25h0m0s is more than the limit of 24h0m0s"},
		{"timeout negative", wasmJob, func(j *Job) { j.Resources.Timeout = -1 }, "resources.timeout", "negative"},
		{"16 GPUs", dockerJob, func(j *Job) { j.Resources.GPU = 16 }, "", ""},
		{"17 GPUs", dockerJob, func(j *Job) { j.Resources.GPU = 17 }, "resources.gpu", "more than the limit of 16"},
		{"negative GPUs", dockerJob, func(j *Job) { j.Resources.GPU = -1 }, "resources.gpu", "negative"},
		{"GPU for wasm", wasmJob, func(j *Job) { j.Resources.GPU = 1 }, "resources.gpu", "must be 0 for engine wasm"},

		{"inputs", wasmJob, func(j *Job) {
			j.Inputs = []Input{{Name: "a.txt", Content: "x"}, {Name: "dir/b.bin", Blob: testBlob}, {Name: "c", File: "./c"}}
		}, "", ""},
		{"input without a source", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a"}} }, "inputs[0]", "one of content, file, object or blob is required"},
		{"input with two sources", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a", Content: "x", Blob: testBlob}} }, "inputs[0]", "found content and blob"},
		{"input with a bad blob", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a", Blob: "sha256:" + strings.Repeat("A", 64)}} }, "inputs[0].blob", "invalid blob reference"},
		{"input without a name", wasmJob, func(j *Job) { j.Inputs = []Input{{Content: "x"}} }, "inputs[0].name", "must not be empty"},
		{"absolute input name", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "/etc/passwd", Content: "x"}} }, "inputs[0].name", "relative"},
		{"escaping input name", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a/../../x", Content: "x"}} }, "inputs[0].name", `".."`},
		{"dot input name", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "./x", Content: "x"}} }, "inputs[0].name", `"."`},
		{"empty segment", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a//b", Content: "x"}} }, "inputs[0].name", "empty segments"},
		{"trailing slash", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a/", Content: "x"}} }, "inputs[0].name", "empty segments"},
		{"backslash", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: `a\b`, Content: "x"}} }, "inputs[0].name", "separator"},
		{"control character", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: "a\nb", Content: "x"}} }, "inputs[0].name", "control"},
		{"255-byte name", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: long(255), Content: "x"}} }, "", ""},
		{"256-byte name", wasmJob, func(j *Job) { j.Inputs = []Input{{Name: long(256), Content: "x"}} }, "inputs[0].name", "longer than 255"},
		{"duplicate input", wasmJob, func(j *Job) {
			j.Inputs = []Input{{Name: "a", Content: "x"}, {Name: "b", Content: "x"}, {Name: "a", Content: "y"}}
		}, "inputs[2].name", "duplicate of inputs[0].name"},
		{"input inside a file", wasmJob, func(j *Job) {
			j.Inputs = []Input{{Name: "a/b/c", Content: "x"}, {Name: "a/b", Content: "y"}}
		}, "inputs[0].name", `inside inputs[1].name "a/b"`},
		{"too many inputs", wasmJob, func(j *Job) {
			for i := range MaxInputs + 1 {
				j.Inputs = append(j.Inputs, Input{Name: "f" + itoa(i), Content: "x"})
			}
		}, "inputs", "1025 inputs"},
		{"4MiB inline", wasmJob, func(j *Job) {
			j.Inputs = []Input{{Name: "a", Content: long(2 << 20)}, {Name: "b", Content: long(2 << 20)}}
		}, "", ""},
		{"over 4MiB inline", wasmJob, func(j *Job) {
			j.Inputs = []Input{{Name: "a", Content: long(2 << 20)}, {Name: "b", Content: long(2<<20 + 1)}}
		}, "inputs", "inline content totals 4194305 bytes, the limit is 4Mi"},

		{"outputs", wasmJob, func(j *Job) { j.Outputs = []Output{{Name: "out", Path: "out/result.txt"}} }, "", ""},
		{"output without a name", wasmJob, func(j *Job) { j.Outputs = []Output{{Path: "x"}} }, "outputs[0].name", "required"},
		{"duplicate output", wasmJob, func(j *Job) { j.Outputs = []Output{{Name: "o", Path: "x"}, {Name: "o", Path: "y"}} }, "outputs[1].name", "duplicate of outputs[0].name"},
		{"output without a path", wasmJob, func(j *Job) { j.Outputs = []Output{{Name: "o"}} }, "outputs[0].path", "must not be empty"},
		{"absolute output path", wasmJob, func(j *Job) { j.Outputs = []Output{{Name: "o", Path: "/outputs/x"}} }, "outputs[0].path", "relative"},
		{"escaping output path", wasmJob, func(j *Job) { j.Outputs = []Output{{Name: "o", Path: "../x"}} }, "outputs[0].path", `".."`},
		{"too many outputs", wasmJob, func(j *Job) {
			for i := range MaxOutputs + 1 {
				j.Outputs = append(j.Outputs, Output{Name: "o" + itoa(i), Path: "p"})
			}
		}, "outputs", "257 outputs"},

		{"1024 shards", wasmJob, func(j *Job) { j.Shards = MaxShards }, "", ""},
		{"1025 shards", wasmJob, func(j *Job) { j.Shards = MaxShards + 1 }, "shards", "between 1 and 1024, got 1025"},
		{"negative shards", wasmJob, func(j *Job) { j.Shards = -1 }, "shards", "between 1 and 1024"},
		{"7 replicas", wasmJob, func(j *Job) { j.Replicas = 7 }, "", ""},
		{"8 replicas", wasmJob, func(j *Job) { j.Replicas = 8 }, "replicas", "between 1 and 7, got 8"},
		{"negative price", wasmJob, func(j *Job) { j.MaxPrice = -1 }, "maxPrice", "negative"},

		{"constraints", wasmJob, func(j *Job) { j.Constraints = []string{"gpu", "arch=amd64", "region!=eu", "opensky.io/tier=gold"} }, "", ""},
		{"empty constraint", wasmJob, func(j *Job) { j.Constraints = []string{""} }, "constraints[0]", "invalid constraint"},
		{"constraint without a key", wasmJob, func(j *Job) { j.Constraints = []string{"=x"} }, "constraints[0]", "invalid constraint"},
		{"constraint with a bad key", wasmJob, func(j *Job) { j.Constraints = []string{"ok", "a b=c"} }, "constraints[1]", "invalid constraint"},
		{"constraint without a value", wasmJob, func(j *Job) { j.Constraints = []string{"arch="} }, "constraints[0]", "missing value after ="},
		{"constraint with ==", wasmJob, func(j *Job) { j.Constraints = []string{"arch==amd64"} }, "constraints[0]", "must not contain"},
		{"constraint with a space", wasmJob, func(j *Job) { j.Constraints = []string{"arch=amd 64"} }, "constraints[0]", "must not contain spaces"},
		{"too many constraints", wasmJob, func(j *Job) {
			for range MaxConstraints + 1 {
				j.Constraints = append(j.Constraints, "gpu")
			}
		}, "constraints", "65 constraints"},

		{"labels", wasmJob, func(j *Job) { j.Labels = map[string]string{"team": "data science", "opensky.io/x": ""} }, "", ""},
		{"bad label key", wasmJob, func(j *Job) { j.Labels = map[string]string{"-x": "y"} }, `labels["-x"]`, "invalid label key"},
		{"long label key", wasmJob, func(j *Job) { j.Labels = map[string]string{long(64): "y"} }, "labels." + long(64), "invalid label key"},
		{"long label value", wasmJob, func(j *Job) { j.Labels = map[string]string{"k": long(256)} }, "labels.k", "value longer than 255"},
		{"label value with a newline", wasmJob, func(j *Job) { j.Labels = map[string]string{"k": "a\nb"} }, "labels.k", "control"},
		{"too many labels", wasmJob, func(j *Job) {
			j.Labels = map[string]string{}
			for i := range MaxLabels + 1 {
				j.Labels["l"+itoa(i)] = ""
			}
		}, "labels", "65 labels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := c.base()
			c.mutate(j)
			err := j.Validate()
			if c.path == "" {
				if err != nil {
					t.Fatalf("want valid, got:\n%v", err)
				}
				return
			}
			ps := problemsOf(t, err)
			if len(ps) != 1 || ps[0].Path != c.path || !strings.Contains(ps[0].Message, c.msg) {
				t.Fatalf("want exactly %s: …%s…, got:\n%v", c.path, c.msg, err)
			}
		})
	}
}

// TestValidateReportsEveryProblem breaks many rules at once and expects
// each to be reported, in a stable order, with its path.
func TestValidateReportsEveryProblem(t *testing.T) {
	j := mustDecode(t, `
apiVersion: opensky/v0
kind: Pod
name: Bad_Name
labels: {"": x}
engine: wasm
image: alpine
env: {OPENSKY_SHARD_COUNT: "1", "bad-key": x}
resources: {cpu: 65, memory: 8Gi, timeout: 1ms, gpu: 1}
inputs:
  - {name: ok.txt, content: hi}
  - {name: ../up, file: x, blob: sha256:nothex}
  - {name: ok.txt}
outputs:
  - {name: "", path: /abs}
shards: 2000
replicas: 9
constraints: ["=1"]
`)
	want := []Problem{
		{"apiVersion", `unsupported version "opensky/v0"; this build understands "opensky/v1"`},
		{"kind", `unsupported kind "Pod"; want "Job"`},
		{"name", "must be at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"},
		{`labels[""]`, "invalid label key: use at most 63 characters from A-Z a-z 0-9 . _ / -, starting and ending with a letter or digit"},
		{"module", "required for engine wasm"},
		{"image", "not allowed for engine wasm (use module)"},
		{"env.OPENSKY_SHARD_COUNT", "names starting with OPENSKY_ are reserved for the system"},
		{"env.bad-key", "invalid name: use letters, digits and _, not starting with a digit"},
		{"resources.cpu", "65 is more than the limit of 64 cores"},
		{"resources.memory", "8Gi is more than the limit of 4Gi for engine wasm"},
		{"resources.timeout", "1ms is less than the minimum of 10ms"},
		{"resources.gpu", "must be 0 for engine wasm"},
		{"inputs[1].name", `must not contain "." or ".." segments`},
		{"inputs[1]", "only one of content, file, object or blob may be set, found file and blob"},
		{"inputs[1].blob", "invalid blob reference: want sha256: and 64 lowercase hex digits"},
		{"inputs[2].name", "duplicate of inputs[0].name"},
		{"inputs[2]", "one of content, file, object or blob is required"},
		{"outputs[0].name", "required"},
		{"outputs[0].path", "must be a relative path"},
		{"shards", "must be between 1 and 1024, got 2000"},
		{"replicas", "must be between 1 and 7, got 9"},
		{"constraints[0]", `invalid constraint: want "key", "key=value" or "key!=value" where key is a label key`},
	}
	err := j.Validate()
	got := problemsOf(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got:\n%v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) || lines[0] != `apiVersion: unsupported version "opensky/v0"; this build understands "opensky/v1"` {
		t.Fatalf("Error() lines:\n%s", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Fatal("not ErrInvalid")
	}
}

func TestValidationErrorCapsProblems(t *testing.T) {
	j := wasmJob()
	for range MaxArgs {
		j.Args = append(j.Args, "\x00")
	}
	ps := problemsOf(t, j.Validate())
	if len(ps) != MaxProblems+1 || ps[MaxProblems].Message != "and 924 more problems" {
		t.Fatalf("%d problems, last %+v", len(ps), ps[len(ps)-1])
	}
}

func TestDefault(t *testing.T) {
	j := wasmJob()
	j.Default()
	want := wasmJob()
	want.Kind = KindJob
	want.Shards, want.Replicas, want.Verification = 1, 1, VerifyNone
	want.Resources = Resources{CPU: 1000, Memory: 64 * MiB, Disk: 256 * MiB, Timeout: Duration(30 * time.Second)}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("got %+v", j)
	}
	j.Default()
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("second Default changed the job: %+v", j)
	}
	set := &Job{Kind: "Other", Shards: 3, Replicas: 2, Verification: VerifyQuorum, Resources: Resources{CPU: 1, Memory: 2, Disk: 3, Timeout: 4}}
	before := *set
	set.Default()
	if !reflect.DeepEqual(*set, before) {
		t.Fatalf("Default overwrote set fields: %+v", set)
	}
}

func TestRequireResolved(t *testing.T) {
	j := wasmJob()
	j.Inputs = []Input{{Name: "a", Blob: testBlob}, {Name: "b", File: "./b"}, {Name: "c", Content: "x"}}
	ps := problemsOf(t, j.RequireResolved())
	want := []Problem{
		{"module", "local file must be uploaded first"},
		{"inputs[1].file", "local file must be uploaded first"},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Fatalf("got %v", ps)
	}
	j.Module = testBlob
	j.Inputs[1] = Input{Name: "b", Blob: testBlob}
	if err := j.RequireResolved(); err != nil {
		t.Fatal(err)
	}
	if err := dockerJob().RequireResolved(); err != nil {
		t.Fatal(err)
	}
}

func TestBlobRef(t *testing.T) {
	if got := BlobRef([]byte("test")); got != testBlob {
		t.Fatalf("BlobRef = %s", got)
	}
	if !IsBlobRef(BlobRef(nil)) {
		t.Fatal("BlobRef(nil) is not a blob ref")
	}
	for _, s := range []string{"", "sha256:", testBlob[:len(testBlob)-1], testBlob + "0", strings.ToUpper(testBlob),
		"sha512:" + testBlob[7:], "sha256:" + strings.Repeat("g", 64), "SHA256:" + testBlob[7:]} {
		if IsBlobRef(s) {
			t.Errorf("IsBlobRef(%q) = true", s)
		}
	}
}

func TestConstraintMatches(t *testing.T) {
	labels := map[string]string{"arch": "amd64", "gpu": ""}
	for s, want := range map[string]bool{
		"arch": true, "arch=amd64": true, "arch=arm64": false, "arch!=arm64": true, "arch!=amd64": false,
		"gpu": true, "region": false, "region=eu": false, "region!=eu": true,
	} {
		if got := ParseConstraint(s).Matches(labels); got != want {
			t.Errorf("%s matches = %v", s, got)
		}
	}
}

func TestNetworkIsForContainers(t *testing.T) {
	j := Job{APIVersion: APIVersion, Engine: EngineWasm, Module: BlobRef([]byte("m")), Network: true}
	j.Default()
	err := j.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Path != "network" {
		t.Fatalf("wasm job with network: %v", err)
	}
	j = Job{APIVersion: APIVersion, Engine: EngineDocker, Image: "busybox", Network: true}
	j.Default()
	if err := j.Validate(); err != nil {
		t.Fatalf("docker job with network: %v", err)
	}
}
