package spec

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// checkCanonical asserts that the JSON encoding of j decodes back to an
// equal Job and that encoding is a fixed point.
func checkCanonical(t testing.TB, j *Job) {
	t.Helper()
	data, err := json.Marshal(j)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatalf("decode of the canonical form failed: %v\n%s", err, data)
	}
	if !reflect.DeepEqual(back, j) {
		t.Fatalf("canonical form decodes to a different job:\n%s\nwant %+v\ngot  %+v", data, j, back)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Fatalf("encoding is not a fixed point:\n%s\n%s", data, again)
	}
}

func TestExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			j, err := DecodeFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := j.Validate(); err != nil {
				t.Fatalf("before Default: %v", err)
			}
			checkCanonical(t, j)
			j.Default()
			if err := j.Validate(); err != nil {
				t.Fatalf("after Default: %v", err)
			}
			checkCanonical(t, j)
		})
	}
}

func TestExamplePi(t *testing.T) {
	j, err := DecodeFile("testdata/pi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j.Default()
	if j.Engine != EngineWasm || j.Shards != 16 || j.Replicas != 2 || j.MaxPrice != 250_000 ||
		j.Resources != (Resources{CPU: Core, Memory: 32 * MiB, Disk: DefaultDisk, Timeout: Duration(2 * time.Minute)}) {
		t.Fatalf("got %+v", j)
	}
}

func TestExampleWordCountNeedsUploads(t *testing.T) {
	j, err := DecodeFile("testdata/wordcount.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if j.Inputs[2].Content != "a\nan\nthe\n" || j.MaxPrice != 100_000 || j.Resources.CPU != 500 {
		t.Fatalf("got %+v", j)
	}
	want := []Problem{
		{"module", "local file must be uploaded first"},
		{"inputs[0].file", "local file must be uploaded first"},
		{"inputs[1].file", "local file must be uploaded first"},
	}
	if got := problemsOf(t, j.RequireResolved()); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
}

func TestExampleDocker(t *testing.T) {
	j, err := DecodeFile("testdata/thumbnails.json")
	if err != nil {
		t.Fatal(err)
	}
	if j.Engine != EngineDocker || j.Resources.GPU != 1 || j.Resources.Memory != 512*MiB || len(j.Constraints) != 3 {
		t.Fatalf("got %+v", j)
	}
	if err := j.RequireResolved(); err != nil {
		t.Fatal(err)
	}
}

func TestCanonicalJSONShape(t *testing.T) {
	j := wasmJob()
	j.Default()
	data, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"opensky/v1","kind":"Job","engine":"wasm","module":"pi.wasm",` +
		`"resources":{"cpu":"1","memory":"64Mi","disk":"256Mi","timeout":"30s"},"shards":1,"replicas":1,"verification":"none"}`
	if string(data) != want {
		t.Fatalf("got  %s\nwant %s", data, want)
	}
}
