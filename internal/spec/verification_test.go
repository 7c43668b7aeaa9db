package spec

import (
	"strings"
	"testing"
)

func TestVerificationDefaults(t *testing.T) {
	for _, c := range []struct {
		replicas int
		mode     Verification
		want     Verification
		q        Fraction
	}{
		{0, "", VerifyNone, 0},
		{3, "", VerifyQuorum, 0},
		{0, VerifySpotCheck, VerifySpotCheck, DefaultSpotCheck},
		{0, VerifyAuto, VerifyAuto, DefaultSpotCheck},
	} {
		j := Job{Replicas: c.replicas, Verification: c.mode}
		j.Default()
		if j.Verification != c.want || j.SpotCheck != c.q {
			t.Errorf("replicas %d mode %q: got %q q=%v, want %q q=%v", c.replicas, c.mode, j.Verification, j.SpotCheck, c.want, c.q)
		}
	}
}

func TestVerificationValidation(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(j *Job)
		want string // "" means valid
	}{
		{"quorum", func(j *Job) { j.Replicas, j.Verification = 3, VerifyQuorum }, ""},
		{"spot-check wasm", func(j *Job) { j.Verification, j.SpotCheck = VerifySpotCheck, 0.25 }, ""},
		{"auto docker", func(j *Job) { j.Engine, j.Module, j.Image, j.Verification = EngineDocker, "", "busybox", VerifyAuto }, ""},
		{"unknown", func(j *Job) { j.Verification = "majority" }, "must be none, quorum, spot-check or auto"},
		{"none replicated", func(j *Job) { j.Replicas, j.Verification = 3, VerifyNone }, "none runs one replica"},
		{"quorum alone", func(j *Job) { j.Replicas, j.Verification = 1, VerifyQuorum }, "needs replicas: 2 or more"},
		{"spot-check docker", func(j *Job) {
			j.Engine, j.Module, j.Image, j.Verification = EngineDocker, "", "busybox", VerifySpotCheck
		}, "only a deterministic engine allows"},
		{"spot-check replicated", func(j *Job) { j.Replicas, j.Verification = 3, VerifySpotCheck }, "spot-check runs each shard once"},
		{"auto replicated", func(j *Job) { j.Replicas, j.Verification = 2, VerifyAuto }, "auto decides how many replicas"},
		{"q too big", func(j *Job) { j.Verification, j.SpotCheck = VerifySpotCheck, 1.5 }, "spotCheck: must be between 0 and 1"},
		{"q without mode", func(j *Job) { j.Replicas, j.Verification, j.SpotCheck = 3, VerifyQuorum, 0.5 }, "applies to verification spot-check or auto"},
	} {
		j := Job{APIVersion: APIVersion, Engine: EngineWasm, Module: "sha256:" + strings.Repeat("a", 64)}
		c.edit(&j)
		err := j.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
