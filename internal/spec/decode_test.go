package spec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// problemsOf returns the problems of a *ValidationError, failing the test
// for any other error.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a *ValidationError, got %T: %v", err, err)
	}
	return ve.Problems
}

func mustDecode(t *testing.T, s string) *Job {
	t.Helper()
	j, err := Decode([]byte(s))
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, s)
	}
	return j
}

func TestDecodeYAMLAndJSONAgree(t *testing.T) {
	y := mustDecode(t, `
apiVersion: opensky/v1
name: mix
engine: wasm
module: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
args: [a, "b c"]
env: {FOO: bar}
stdin: "hello\n"
resources: {cpu: 0.5, memory: 1.5Gi, disk: 1e9, timeout: 90}
inputs:
  - {name: data/x.csv, content: "1,2\n"}
outputs:
  - {name: out, path: out.txt}
shards: 16
replicas: 3
maxPrice: 0.1
constraints: [arch=amd64]
labels: {team: "7", date: 2024-01-01}
`)
	j := mustDecode(t, `{
  "apiVersion": "opensky/v1", "name": "mix", "engine": "wasm",
  "module": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "args": ["a", "b c"], "env": {"FOO": "bar"}, "stdin": "hello\n",
  "resources": {"cpu": "500m", "memory": "1536Mi", "disk": 1000000000, "timeout": "1m30s"},
  "inputs": [{"name": "data/x.csv", "content": "1,2\n"}],
  "outputs": [{"name": "out", "path": "out.txt"}],
  "shards": 16, "replicas": 3, "maxPrice": "$0.10", "constraints": ["arch=amd64"],
  "labels": {"team": "7", "date": "2024-01-01"}
}`)
	if !reflect.DeepEqual(y, j) {
		t.Fatalf("YAML and JSON differ:\n%+v\n%+v", y, j)
	}
	if y.Resources.CPU != 500 || y.Resources.Memory != 1536*MiB || y.Resources.Disk != 1e9 ||
		y.Resources.Timeout != Duration(90*time.Second) || y.MaxPrice != 100_000 {
		t.Fatalf("quantities: %+v, maxPrice %d", y.Resources, y.MaxPrice)
	}
	if err := y.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeExactYAMLNumbers(t *testing.T) {
	j := mustDecode(t, "apiVersion: opensky/v1\nresources: {cpu: 0.001, memory: 0x100000, timeout: 1_0}\nmaxPrice: 0.000001\nshards: +16\nreplicas: 0o7\n")
	if j.Resources.CPU != 1 || j.Resources.Memory != MiB || j.Resources.Timeout != Duration(10*time.Second) ||
		j.MaxPrice != 1 || j.Shards != 16 || j.Replicas != 7 {
		t.Fatalf("got %+v", j)
	}
	// Decimal notations beyond JSON's are converted from their text, not
	// through float64, so long fractions stay exact.
	for in, want := range map[string]MicroUSD{
		"+1.5":                 1_500_000,
		".5":                   500_000,
		"1.":                   Dollar,
		"000.25":               250_000,
		"1.e1":                 10 * Dollar,
		"9007199254740.993001": 9007199254740_993001,
	} {
		j := mustDecode(t, "maxPrice: "+in+"\n")
		if j.MaxPrice != want {
			t.Errorf("maxPrice %s = %d; want %d", in, j.MaxPrice, want)
		}
	}
}

func TestDecodeFieldErrorsNamePaths(t *testing.T) {
	cases := []struct {
		name, in string
		want     []Problem
	}{
		{"unknown top-level field", "apiVersion: opensky/v1\nengin: wasm\n",
			[]Problem{{"engin", "unknown field"}}},
		{"unknown nested field", `{"resources": {"memry": "1Gi"}}`,
			[]Problem{{"resources.memry", "unknown field"}}},
		{"unknown field in a list element", "inputs:\n  - name: a\n    contents: x\n",
			[]Problem{{"inputs[0].contents", "unknown field"}}},
		{"case differs", "ApiVersion: opensky/v1\n",
			[]Problem{{"ApiVersion", `unknown field (did you mean "apiVersion"?)`}}},
		{"bad size", "resources:\n  memory: 64Mx\n",
			[]Problem{{"resources.memory", `invalid size "64Mx": unknown suffix "Mx" (use k, M, G, T, Ki, Mi, Gi or Ti)`}}},
		{"bad cpu number", `{"resources": {"cpu": 0.0001}}`,
			[]Problem{{"resources.cpu", "invalid cpu 0.0001: finer than a millicore"}}},
		{"bad duration", "resources: {timeout: 0s}\n",
			[]Problem{{"resources.timeout", `invalid duration "0s": must be positive`}}},
		{"bad price", "maxPrice: -1\n",
			[]Problem{{"maxPrice", "invalid amount -1: must not be negative"}}},
		{"number for a string", "env:\n  DEBUG: 1\n",
			[]Problem{{"env.DEBUG", "expected a string, got the number 1 (quote the value to make it a string)"}}},
		{"boolean for a string", "labels:\n  opensky.io/gpu: true\n",
			[]Problem{{`labels["opensky.io/gpu"]`, "expected a string, got the boolean true (quote the value to make it a string)"}}},
		{"string for an integer", "shards: many\n",
			[]Problem{{"shards", "expected an integer, got a string"}}},
		{"fraction for an integer", `{"replicas": 1.5}`,
			[]Problem{{"replicas", "expected an integer, got 1.5"}}},
		{"integer out of range", `{"shards": 99999999999999999999}`,
			[]Problem{{"shards", "integer 99999999999999999999 out of range"}}},
		{"scalar for a list", "args: run\n",
			[]Problem{{"args", "expected a list, got a string"}}},
		{"list for an object", "resources: [1]\n",
			[]Problem{{"resources", "expected an object, got a list"}}},
		{"not an object", "- a\n- b\n",
			[]Problem{{"", "expected an object, got a list"}}},
		{"every problem at once", "engin: wasm\nresources: {cpu: x}\nshards: y\n",
			[]Problem{
				{"engin", "unknown field"},
				{"resources.cpu", `invalid cpu "x": not a decimal number`},
				{"shards", "expected an integer, got a string"},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.in))
			if got := problemsOf(t, err); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatal("decode error does not match ErrInvalid")
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "spec is empty"},
		{"only a comment", "# nothing\n", "spec is empty"},
		{"null document", "null\n", "spec is empty"},
		{"two YAML documents", "apiVersion: opensky/v1\n---\napiVersion: opensky/v1\n", "one YAML document"},
		{"trailing document marker", "apiVersion: opensky/v1\n---\n", "one YAML document"},
		{"anchor and alias", "args: &a [x]\nentrypoint: *a\n", "args: line 1: YAML anchors and aliases are not supported"},
		{"merge key", "resources:\n  <<: {cpu: 1}\n", "merge keys are not supported"},
		{"duplicate YAML key", "name: a\nname: b\n", "name: line 2: duplicate key"},
		{"duplicate JSON key", `{"env": {"A": "1", "A": "2"}}`, "env.A: duplicate key"},
		{"trailing JSON", `{"name": "a"} {"name": "b"}`, "unexpected data after the JSON document"},
		{"broken JSON", "{\n  \"name\": \"a\"\n  \"shards\": 1\n}", "invalid JSON at line 3, column 3"},
		{"truncated JSON", `{"name": "a"`, "unexpected end of input"},
		{"broken YAML", "name: [a\n", "invalid YAML"},
		{"infinite number", "resources: {cpu: .inf}\n", `".inf" is not a finite number`},
		{"binary tag", "stdin: !!binary aGk=\n", "unsupported YAML tag !!binary"},
		{"custom tag", "name: !thing x\n", "unsupported YAML tag !thing"},
		{"complex key", "? [a]\n: b\n", "keys must be plain strings"},
		{"deep JSON", strings.Repeat("[", 40) + strings.Repeat("]", 40), "nested more than"},
		{"many JSON values", `{"args": [` + strings.Repeat(`"a",`, maxValues) + `"a"]}`, "args[99998]: more than 100000 values in one spec"},
		{"many YAML values", "args: [" + strings.Repeat("a,", maxValues) + "a]\n", "args[99998]: more than 100000 values in one spec"},
		{"deep YAML", "labels:" + strings.Repeat(" [", 40) + strings.Repeat("]", 40) + "\n", "nested more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, err := Decode([]byte(c.in))
			if err == nil {
				t.Fatalf("decoded %+v; want an error", j)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
			problemsOf(t, err)
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	big := []byte("name: " + strings.Repeat("a", MaxSpecBytes))
	if _, err := Decode(big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode: %v; want ErrTooLarge", err)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFile(path); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeFile: %v; want ErrTooLarge", err)
	}
	// Exactly the limit is fine as far as size goes.
	exact := []byte("name: a\n" + strings.Repeat("#", MaxSpecBytes-8))
	if j, err := Decode(exact); err != nil || j.Name != "a" {
		t.Fatalf("spec of exactly MaxSpecBytes: %v", err)
	}
}

// TestDecodeAliasBomb feeds the classic exponential alias document; it
// must be refused at once, without expanding anything.
func TestDecodeAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 40; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [")
		for k := 0; k < 9; k++ {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	start := time.Now()
	_, err := Decode([]byte(b.String()))
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("took %v", elapsed)
	}
	if err == nil || !strings.Contains(err.Error(), "anchors and aliases are not supported") {
		t.Fatalf("error %v; want aliases refused", err)
	}
}

func TestDecodeYAMLFlowMapping(t *testing.T) {
	j := mustDecode(t, "{apiVersion: opensky/v1, engine: wasm, module: m.wasm, resources: {memory: 1Gi}}")
	if j.APIVersion != APIVersion || j.Resources.Memory != GiB {
		t.Fatalf("got %+v", j)
	}
}

func TestDecodeSkipsBOM(t *testing.T) {
	j := mustDecode(t, "\xef\xbb\xbf{\"name\": \"a\"}")
	if j.Name != "a" {
		t.Fatalf("name %q", j.Name)
	}
}

func TestDecodeEmptyCollectionsAreNil(t *testing.T) {
	j := mustDecode(t, `{"args": [], "env": {}, "labels": {}, "inputs": [], "outputs": [], "constraints": [], "entrypoint": []}`)
	if !reflect.DeepEqual(j, &Job{}) {
		t.Fatalf("got %+v", j)
	}
}

func TestDecodeNullMeansUnset(t *testing.T) {
	j := mustDecode(t, "apiVersion: opensky/v1\nresources:\nargs: ~\nmaxPrice: null\n")
	if !reflect.DeepEqual(j, &Job{APIVersion: APIVersion}) {
		t.Fatalf("got %+v", j)
	}
}

func TestDecodeFileMissing(t *testing.T) {
	_, err := DecodeFile(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v", err)
	}
}

func TestDecodeFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(path, []byte("shards: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := DecodeFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": shards:") {
		t.Fatalf("got %v", err)
	}
	problemsOf(t, err)
}
