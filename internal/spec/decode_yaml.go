package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// jsonNumber matches the text of a JSON number.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// parseYAML parses exactly one YAML document into the same generic value
// parseJSON produces, so that both formats share one strict decoding path.
// Anchors and aliases are rejected, which rules out alias bombs; numbers
// keep their exact text as json.Number.
func parseYAML(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlProblem(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, yamlProblem(fmt.Errorf("line %d: a spec is one YAML document, found a second one", next.Line))
	case !errors.Is(err, io.EOF):
		return nil, yamlProblem(err)
	}
	var c yamlConverter
	v := c.value(&doc, "", 0)
	if err := c.ps.err(); err != nil {
		return nil, err
	}
	return v, nil
}

// yamlProblem reports a YAML syntax error as a *ValidationError.
func yamlProblem(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return &ValidationError{Problems: []Problem{{Message: "invalid YAML: " + msg}}}
}

// yamlConverter turns a YAML node tree into a generic value, recording
// problems rather than stopping at the first one.
type yamlConverter struct {
	ps    problems
	count int
}

func (c *yamlConverter) value(n *yaml.Node, path string, depth int) any {
	ps := &c.ps
	if c.count++; c.count > maxValues {
		if c.count == maxValues+1 {
			ps.add(path, "%s", errTooManyValues)
		}
		return nil
	}
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		ps.add(path, "line %d: YAML anchors and aliases are not supported", n.Line)
		return nil
	}
	if depth > maxDepth {
		ps.add(path, "nested more than %d levels deep", maxDepth)
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		c.count--
		return c.value(n.Content[0], path, depth)
	case yaml.MappingNode:
		return c.mapping(n, path, depth)
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, e := range n.Content {
			l[i] = c.value(e, indexPath(path, i), depth+1)
		}
		return l
	case yaml.ScalarNode:
		v, err := yamlScalar(n)
		if err != nil {
			ps.add(path, "line %d: %s", n.Line, err)
		}
		return v
	default:
		ps.add(path, "line %d: unsupported YAML node", n.Line)
		return nil
	}
}

func (c *yamlConverter) mapping(n *yaml.Node, path string, depth int) any {
	ps := &c.ps
	m := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Anchor != "" {
			ps.add(path, "line %d: keys must be plain strings", k.Line)
			continue
		}
		if k.ShortTag() == "!!merge" {
			ps.add(path, "line %d: YAML merge keys are not supported", k.Line)
			continue
		}
		p := keyPath(path, k.Value)
		if _, dup := m[k.Value]; dup {
			ps.add(p, "line %d: duplicate key", k.Line)
			continue
		}
		m[k.Value] = c.value(v, p, depth+1)
	}
	return m
}

// yamlScalar converts a scalar by its resolved tag. Numbers stay exact:
// their text becomes a json.Number when it already is valid JSON, and other
// YAML notations (0x1F, 1_000, +1.5) are converted without loss.
func yamlScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fmt.Errorf("invalid boolean %q", n.Value)
		}
		return b, nil
	case "!!int":
		if jsonNumber.MatchString(n.Value) {
			return json.Number(n.Value), nil
		}
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10)), nil
		}
		var u uint64
		if err := n.Decode(&u); err == nil {
			return json.Number(strconv.FormatUint(u, 10)), nil
		}
		return nil, fmt.Errorf("invalid integer %q", n.Value)
	case "!!float":
		if s := jsonDecimal(n.Value); jsonNumber.MatchString(s) {
			return json.Number(s), nil
		}
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fmt.Errorf("invalid number %q", n.Value)
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a finite number", n.Value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	default:
		return nil, fmt.Errorf("unsupported YAML tag %s", n.Tag)
	}
}

// jsonDecimal rewrites the YAML float notations that JSON lacks into JSON
// number text without going through float64: "+1.5" -> "1.5", ".5" ->
// "0.5", "-.5" -> "-0.5", "1." -> "1", "1.e3" -> "1e3", "007.5" -> "7.5".
func jsonDecimal(s string) string {
	sign := ""
	switch {
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	case strings.HasPrefix(s, "-"):
		sign, s = "-", s[1:]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i:]
	}
	whole, frac, _ := strings.Cut(mant, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if frac != "" {
		frac = "." + frac
	}
	return sign + whole + frac + exp
}
