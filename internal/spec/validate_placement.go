package spec

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// validatePlacement checks shards, replicas, the price cap and the
// provider constraints. Zero shards or replicas mean unset.
func (j *Job) validatePlacement(ps *problems) {
	if j.Shards < 0 || j.Shards > MaxShards {
		ps.add("shards", "must be between 1 and %d, got %d", MaxShards, j.Shards)
	}
	if j.Replicas < 0 || j.Replicas > MaxReplicas {
		ps.add("replicas", "must be between 1 and %d, got %d", MaxReplicas, j.Replicas)
	}
	if j.MaxPrice < 0 {
		ps.add("maxPrice", "must not be negative")
	}
	if j.Escrow != "" && !isEscrowID(j.Escrow) {
		ps.add("escrow", "must be an escrow ID: \"e-\" and 32 lowercase hex digits")
	}
	if len(j.Constraints) > MaxConstraints {
		ps.add("constraints", "%d constraints, the limit is %d", len(j.Constraints), MaxConstraints)
	}
	for i, c := range j.Constraints {
		if msg := constraintProblem(c); msg != "" {
			ps.add(indexPath("constraints", i), "%s", msg)
		}
	}
	if j.Arch != "" && !slices.Contains(knownArchs, j.Arch) {
		ps.add("arch", "unknown architecture %q: want one of %s", j.Arch, strings.Join(knownArchs, ", "))
	}
	if !(j.MinReputation >= 0 && j.MinReputation <= 1) { // also catches NaN
		ps.add("minReputation", "must be between 0 and 1, got %v", j.MinReputation)
	}
	switch j.Placement {
	case "", PlacementSpread, PlacementPack:
	default:
		ps.add("placement", "must be %q or %q, got %q", PlacementSpread, PlacementPack, j.Placement)
	}
}

// knownArchs are the CPU architectures a job may ask for, as Go names them
// (a provider announces its runtime.GOARCH).
var knownArchs = []string{"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle", "ppc64", "ppc64le", "riscv64", "s390x"}

// Constraint is a parsed provider constraint.
type Constraint struct {
	// Key is the provider label the constraint looks at.
	Key string
	// Op is "" (the label exists), "=" or "!=".
	Op string
	// Value is compared with the label's value when Op is set.
	Value string
}

// ParseConstraint parses "key", "key=value" or "key!=value". It does not
// check the key and value syntax; Validate does.
func ParseConstraint(s string) Constraint {
	if k, v, ok := strings.Cut(s, "!="); ok {
		return Constraint{Key: k, Op: "!=", Value: v}
	}
	if k, v, ok := strings.Cut(s, "="); ok {
		return Constraint{Key: k, Op: "=", Value: v}
	}
	return Constraint{Key: s}
}

// Matches reports whether a provider with these labels satisfies c.
func (c Constraint) Matches(labels map[string]string) bool {
	v, ok := labels[c.Key]
	switch c.Op {
	case "=":
		return ok && v == c.Value
	case "!=":
		return !ok || v != c.Value
	default:
		return ok
	}
}

// constraintProblem describes what is wrong with constraint s, or "".
func constraintProblem(s string) string {
	c := ParseConstraint(s)
	if !isLabelKey(c.Key) {
		return `invalid constraint: want "key", "key=value" or "key!=value" where key is a label key`
	}
	if c.Op == "" {
		return ""
	}
	switch {
	case c.Value == "":
		return "missing value after " + c.Op
	case len(c.Value) > MaxLabelValueLen:
		return "value longer than " + strconv.Itoa(MaxLabelValueLen) + " bytes"
	case strings.ContainsAny(c.Value, "=!") || strings.ContainsFunc(c.Value, isSpaceOrControl):
		return "value must not contain spaces, control characters, = or !"
	}
	return ""
}

func isSpaceOrControl(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// isEscrowID reports whether s has the form of a chain escrow ID.
func isEscrowID(s string) bool {
	h, ok := strings.CutPrefix(s, "e-")
	if !ok || len(h) != 32 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
