package spec

import (
	"math"
	"strings"
	"testing"
)

func TestValidateMatchingFields(t *testing.T) {
	cases := []struct {
		name string
		edit func(j *Job)
		path string // "" when valid
		msg  string
	}{
		{"arch", func(j *Job) { j.Arch = "arm64" }, "", ""},
		{"unknown arch", func(j *Job) { j.Arch = "x86" }, "arch", `unknown architecture "x86"`},
		{"reputation floor", func(j *Job) { j.MinReputation = 0.8 }, "", ""},
		{"reputation floor of 1", func(j *Job) { j.MinReputation = 1 }, "", ""},
		{"reputation floor over 1", func(j *Job) { j.MinReputation = 1.5 }, "minReputation", "between 0 and 1"},
		{"negative reputation floor", func(j *Job) { j.MinReputation = -0.1 }, "minReputation", "between 0 and 1"},
		{"NaN reputation floor", func(j *Job) { j.MinReputation = Fraction(math.NaN()) }, "minReputation", "between 0 and 1"},
		{"spread", func(j *Job) { j.Placement = PlacementSpread }, "", ""},
		{"pack", func(j *Job) { j.Placement = PlacementPack }, "", ""},
		{"unknown placement", func(j *Job) { j.Placement = "random" }, "placement", `must be "spread" or "pack"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := wasmJob()
			c.edit(j)
			err := j.Validate()
			if c.path == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("want %s: …%s…, got %v", c.path, c.msg, err)
			}
		})
	}
}

func TestDecodeMatchingFields(t *testing.T) {
	j := mustDecode(t, "apiVersion: opensky/v1\nengine: wasm\nmodule: m.wasm\narch: amd64\nminReputation: 0.9\nplacement: pack\n")
	if j.Arch != "amd64" || j.MinReputation != 0.9 || j.Placement != PlacementPack {
		t.Fatalf("decoded %q %v %q", j.Arch, j.MinReputation, j.Placement)
	}
}
