package docker

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/distribution/reference"

	"github.com/opensky-network/opensky/internal/dockertest"
	"github.com/opensky-network/opensky/internal/executor"
)

func TestImageRules(t *testing.T) {
	const id = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	const dg = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	local := func(requested string) imageIdentity {
		ref, _ := reference.ParseNormalizedNamed(requested)
		return imageIdentity{
			requested:   ref,
			id:          id,
			repoTags:    []string{"alpine:3.20", "ghcr.io/org/tool:v1"},
			repoDigests: []string{"alpine@" + dg},
			inspected:   true,
		}
	}
	cases := []struct {
		rule, image string
		want        bool
	}{
		{"alpine", "alpine", true},
		{"alpine", "docker.io/library/alpine:edge", true},
		{"alpine:3.20", "alpine:3.20", true},
		{"alpine:3.21", "alpine:edge", false},
		{"alpine:latest", "alpine", true},
		{"docker.io/library/alpine", "alpine:x", true},
		{"alpine@" + dg, "alpine:3.20", true},
		{"busybox", "busybox:1", true},
		{"busybox", "alpine:3.20", false},
		{"ghcr.io/org/tool", "alpine:3.20", true}, // by the image's other tag
		{id, "alpine:3.20", true},
		{dg, "alpine:3.20", true},
		{"sha256:3333333333333333333333333333333333333333333333333333333333333333", "alpine", false},
		{"opensky-test/*", "opensky-test/static:latest", true},
		{"opensky-test/*", "other/static", false},
		{"ghcr.io/org/*", "ghcr.io/org/x:1", true},
	}
	for _, c := range cases {
		r, err := parseImageRule(c.rule)
		if err != nil {
			t.Fatalf("parse %q: %v", c.rule, err)
		}
		id := local(c.image)
		if c.rule == "ghcr.io/org/*" || c.rule == "opensky-test/*" || c.rule == "busybox" {
			id.repoTags, id.repoDigests = nil, nil
		}
		if got := r.matches(id); got != c.want {
			t.Errorf("rule %q on %q: %t, want %t", c.rule, c.image, got, c.want)
		}
	}
	if _, err := parseImageRule("UPPER"); err == nil {
		t.Error("an invalid reference was accepted as a rule")
	}
}

func TestAdmitDenyWins(t *testing.T) {
	p := Policy{AllowedImages: []string{"alpine"}, DeniedImages: []string{"alpine:bad"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	rules := parseRules(p)
	ident := func(s string) imageIdentity {
		ref, _ := reference.ParseNormalizedNamed(s)
		return imageIdentity{requested: ref}
	}
	if err := rules.admit("alpine:good", ident("alpine:good")); err != nil {
		t.Errorf("allowed image refused: %v", err)
	}
	if err := rules.admit("alpine:bad", ident("alpine:bad")); !errors.Is(err, ErrDenied) {
		t.Errorf("denied and allowed image: err %v, want ErrDenied", err)
	}
	if err := rules.admit("busybox", ident("busybox")); !errors.Is(err, ErrDenied) {
		t.Errorf("image outside the allow list: err %v, want ErrDenied", err)
	}
	digestOnly := parseRules(Policy{AllowedImages: []string{"sha256:1111111111111111111111111111111111111111111111111111111111111111"}})
	if err := digestOnly.admit("busybox", ident("busybox")); err != nil {
		t.Errorf("before inspection a digest rule must leave the decision open: %v", err)
	}
	later := ident("busybox")
	later.inspected, later.id = true, "sha256:9999999999999999999999999999999999999999999999999999999999999999"
	if err := digestOnly.admit("busybox", later); !errors.Is(err, ErrDenied) {
		t.Errorf("after inspection, an image of another digest: err %v, want ErrDenied", err)
	}
}

func TestEffectiveLimits(t *testing.T) {
	ceil := executor.Limits{MemoryBytes: 1 << 30, Pids: 100, Timeout: time.Minute, OutputBytes: 4 << 20}
	task := &executor.Task{ID: "t"}
	got, err := effectiveLimits(task, ceil, 2000)
	if err != nil {
		t.Fatal(err)
	}
	want := executor.Limits{MemoryBytes: 1 << 30, Pids: 100, Timeout: time.Minute, OutputBytes: DefaultOutputBytes}
	if got != want {
		t.Errorf("defaults under ceilings: %+v, want %+v", got, want)
	}
	task.Limits = executor.Limits{MilliCPU: 8000, MemoryBytes: 1 << 20}
	got, err = effectiveLimits(task, executor.Limits{}, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if got.MilliCPU != 2000 || got.MemoryBytes != minMemoryBytes || got.Pids != DefaultPids || got.Timeout != 0 {
		t.Errorf("no ceilings: %+v; want CPU capped at the machine, memory raised to the engine minimum, default pids, no timeout", got)
	}
	for _, over := range []executor.Limits{{MemoryBytes: 2 << 30}, {Pids: 101}, {Timeout: time.Hour}, {OutputBytes: 8 << 20}} {
		task.Limits = over
		if _, err := effectiveLimits(task, ceil, 2000); !errors.Is(err, ErrDenied) {
			t.Errorf("limits %+v over the ceilings: err %v, want ErrDenied", over, err)
		}
	}
}

// TestDeniedImageRefusedBeforeAnythingRuns: a denied image, by name or
// by ID, and a task over a ceiling never get a container.
func TestDeniedImageRefusedBeforeAnythingRuns(t *testing.T) {
	t.Parallel()
	needImages(t)
	img, err := engine(t).ImageInspect(context.Background(), dockertest.StaticImage)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Policy{
		{DeniedImages: []string{"opensky-test/static"}},
		{DeniedImages: []string{img.ID}},
		{AllowedImages: []string{"opensky-test/busybox"}},
		{Ceilings: executor.Limits{MemoryBytes: 64 << 20}},
	} {
		owner := uniqueName(t)
		ex := newExecutor(t, WithPolicy(p), WithOwner(owner))
		task := static("echo", "must not run")
		task.Limits.MemoryBytes = 128 << 20
		res, err := ex.Run(context.Background(), task)
		if !errors.Is(err, ErrDenied) || res != nil {
			t.Errorf("policy %+v: result %v, err %v; want ErrDenied and no result", p, res, err)
		}
		if n := len(ownedContainers(t, owner)); n != 0 {
			t.Errorf("policy %+v: %d containers were created", p, n)
		}
	}
	p := Policy{AllowedImages: []string{"opensky-test/*"}, DeniedImages: []string{"opensky-test/static:old"}}
	ex := newExecutor(t, WithPolicy(p))
	if res, err := ex.Run(context.Background(), static("echo", "ok")); err != nil || string(res.Stdout) != "ok\n\n" {
		t.Errorf("allowed image: %v", err)
	}
}

func TestPolicyValidate(t *testing.T) {
	bad := []Policy{
		{AllowedImages: []string{"Bad Name"}},
		{DeniedImages: []string{"[x*"}},
		{Ceilings: executor.Limits{Pids: -1}},
		{MaxContainers: -2},
	}
	for _, p := range bad {
		if err := p.Validate(); err == nil {
			t.Errorf("policy %+v passed validation", p)
		}
	}
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("DefaultPolicy: %v", err)
	}
	if _, err := New(context.Background(), WithPolicy(bad[0])); err == nil {
		t.Error("New accepted an invalid policy")
	}
}
