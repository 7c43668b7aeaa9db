package spec

import (
	"strings"
	"testing"
)

func TestSplitAndReduceValidation(t *testing.T) {
	base := func() Job {
		j := Job{APIVersion: APIVersion, Engine: EngineWasm, Module: "m.wasm", Shards: 4,
			Inputs: []Input{{Name: "a.txt", Content: "x"}}}
		j.Default()
		return j
	}
	for name, c := range map[string]struct {
		edit func(*Job)
		path string
	}{
		"unknown split":            {func(j *Job) { j.Split = "bytes" }, "split"},
		"lines needs one input":    {func(j *Job) { j.Split = SplitLines; j.Inputs = append(j.Inputs, Input{Name: "b", Content: "y"}) }, "split"},
		"image in a wasm reduce":   {func(j *Job) { j.Reduce = &Reduce{Image: "busybox"} }, "reduce.image"},
		"bad reduce blob":          {func(j *Job) { j.Reduce = &Reduce{Module: "sha256:xyz"} }, "reduce.module"},
		"NUL in a reduce argument": {func(j *Job) { j.Reduce = &Reduce{Args: []string{"a\x00"}} }, "reduce.args[0]"},
		"reserved reduce variable": {func(j *Job) { j.Reduce = &Reduce{Env: map[string]string{"OPENSKY_X": "1"}} }, "reduce.env.OPENSKY_X"},
		"module in a docker reduce": {func(j *Job) {
			j.Engine, j.Module, j.Image = EngineDocker, "", "busybox"
			j.Reduce = &Reduce{Module: "r.wasm"}
		}, "reduce.module"},
	} {
		j := base()
		c.edit(&j)
		err := j.Validate()
		if err == nil || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v, want a problem at %s", name, err, c.path)
		}
	}
	ok := base()
	ok.Split = SplitLines
	ok.Reduce = &Reduce{Args: []string{"--reduce"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid split and reduce: %v", err)
	}
	if err := ok.RequireResolved(); err == nil || !strings.Contains(err.Error(), "module") {
		t.Fatalf("an unresolved module is still local: %v", err)
	}
}
