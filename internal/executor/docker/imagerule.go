package docker

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/distribution/reference"
)

// idPattern matches a full image ID or a bare registry digest.
var idPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// imageRule is one entry of Policy.AllowedImages or DeniedImages.
type imageRule struct {
	raw string
	// Exactly one of the following is set.
	digest  string          // "sha256:…": image ID or registry digest
	pattern string          // a path.Match pattern over repository names
	ref     reference.Named // a normalized name, name:tag or name@digest
}

// parseImageRule parses a policy entry.
func parseImageRule(s string) (imageRule, error) {
	r := imageRule{raw: s}
	switch {
	case idPattern.MatchString(s):
		r.digest = s
	case strings.Contains(s, "*"):
		if _, err := path.Match(s, ""); err != nil {
			return r, fmt.Errorf("image pattern %q: %w", s, err)
		}
		r.pattern = s
	default:
		ref, err := reference.ParseNormalizedNamed(s)
		if err != nil {
			return r, fmt.Errorf("image %q: %w", s, err)
		}
		r.ref = ref
	}
	return r, nil
}

// imageIdentity is everything an image is known by: the reference a task
// asked for (nil when it asked by ID) and, once the image is local, its
// ID, tags and registry digests.
type imageIdentity struct {
	requested   reference.Named
	id          string
	repoTags    []string
	repoDigests []string
	inspected   bool
}

// names returns the identity's references: the requested one and the
// image's tags and digests, normalized.
func (id imageIdentity) names() []reference.Named {
	var out []reference.Named
	if id.requested != nil {
		out = append(out, id.requested)
	}
	for _, s := range append(append([]string(nil), id.repoTags...), id.repoDigests...) {
		if ref, err := reference.ParseNormalizedNamed(s); err == nil {
			out = append(out, ref)
		}
	}
	return out
}

// matches reports whether the rule names the image.
func (r imageRule) matches(id imageIdentity) bool {
	if r.digest != "" {
		if id.id == r.digest {
			return true
		}
		for _, d := range id.repoDigests {
			if _, dig, ok := strings.Cut(d, "@"); ok && dig == r.digest {
				return true
			}
		}
		if dg, ok := id.requested.(reference.Digested); ok && dg.Digest().String() == r.digest {
			return true
		}
		return false
	}
	for _, n := range id.names() {
		if r.matchesName(n) {
			return true
		}
	}
	return false
}

// matchesName reports whether the rule names the reference n.
func (r imageRule) matchesName(n reference.Named) bool {
	if r.pattern != "" {
		ok1, _ := path.Match(r.pattern, reference.FamiliarName(n))
		ok2, _ := path.Match(r.pattern, n.Name())
		return ok1 || ok2
	}
	if r.ref.Name() != n.Name() {
		return false
	}
	switch rule := r.ref.(type) {
	case reference.Digested:
		dg, ok := n.(reference.Digested)
		return ok && dg.Digest() == rule.Digest()
	case reference.Tagged:
		tg, ok := reference.TagNameOnly(n).(reference.Tagged)
		return ok && tg.Tag() == rule.Tag()
	default:
		return true
	}
}

// needsInspect reports whether the rule can only be decided once the
// image is local (it names an ID or digest the request may not carry).
func (r imageRule) needsInspect() bool {
	return r.digest != "" || (r.ref != nil && isDigested(r.ref))
}

func isDigested(n reference.Named) bool {
	_, ok := n.(reference.Digested)
	return ok
}
