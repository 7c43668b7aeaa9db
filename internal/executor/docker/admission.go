package docker

import (
	"fmt"

	"github.com/distribution/reference"

	"github.com/opensky-network/opensky/internal/executor"
)

// imageRules is a policy's image lists, parsed.
type imageRules struct {
	allow, deny []imageRule
}

// parseRules parses a validated policy's image lists.
func parseRules(p Policy) imageRules {
	var r imageRules
	for _, e := range p.AllowedImages {
		if rule, err := parseImageRule(e); err == nil {
			r.allow = append(r.allow, rule)
		}
	}
	for _, e := range p.DeniedImages {
		if rule, err := parseImageRule(e); err == nil {
			r.deny = append(r.deny, rule)
		}
	}
	return r
}

// requestedImage parses a task's image reference; an image ID gives a nil
// reference.
func requestedImage(t *executor.Task) (reference.Named, error) {
	if idPattern.MatchString(t.Image) {
		return nil, nil
	}
	ref, err := reference.ParseNormalizedNamed(t.Image)
	if err != nil {
		return nil, fmt.Errorf("docker: task %s: image %q: %w: %w", t.ID, t.Image, executor.ErrInvalidTask, err)
	}
	return ref, nil
}

// admit returns an ErrDenied error when the policy refuses the image.
// Run calls it twice: before the image is local (id.inspected false),
// when it refuses what the request alone shows to be refused and lets
// through what an ID or digest rule may still allow; and once the image
// is local, with everything it is known by, before anything runs.
func (r imageRules) admit(image string, id imageIdentity) error {
	for _, rule := range r.deny {
		if rule.matches(id) {
			return fmt.Errorf("docker: image %s is denied by the provider's policy (%s): %w", image, rule.raw, ErrDenied)
		}
	}
	if len(r.allow) == 0 {
		return nil
	}
	for _, rule := range r.allow {
		if rule.matches(id) || (!id.inspected && rule.needsInspect()) {
			return nil
		}
	}
	return fmt.Errorf("docker: image %s is not among the images the provider allows: %w", image, ErrDenied)
}
