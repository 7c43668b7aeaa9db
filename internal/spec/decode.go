package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
)

// MaxSpecBytes is the largest spec Decode and DecodeFile accept.
const MaxSpecBytes = 1 << 20

// ErrTooLarge is returned (wrapped) for a spec larger than MaxSpecBytes.
var ErrTooLarge = errors.New("spec too large")

// utf8BOM is skipped at the start of a spec.
var utf8BOM = []byte("\xef\xbb\xbf")

// Decode parses a job spec written in JSON or YAML; a document whose first
// non-blank character is '{' is read as JSON (or, failing that, as a YAML
// flow mapping), anything else as YAML. Both go through
// one strict path: unknown fields (matched case-sensitively), type
// mismatches, unparsable quantities, duplicate keys, YAML anchors and
// aliases, more than one document and trailing data are reported as a
// *ValidationError whose problems name the field path. Empty lists and
// maps decode as nil. Decode neither applies defaults nor validates; see
// Default and Validate.
func Decode(data []byte) (*Job, error) {
	if len(data) > MaxSpecBytes {
		return nil, fmt.Errorf("spec is %d bytes, the limit is %d: %w", len(data), MaxSpecBytes, ErrTooLarge)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	var (
		v   any
		err error
	)
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		var syntax bool
		v, syntax, err = parseJSON(data)
		if syntax {
			// Perhaps a YAML flow mapping: {apiVersion: opensky/v1}.
			if yv, yerr := parseYAML(data); yerr == nil {
				v, err = yv, nil
			}
		}
	} else {
		v, err = parseYAML(data)
	}
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &ValidationError{Problems: []Problem{{Message: "spec is empty"}}}
	}
	return decodeGeneric(v)
}

// decodeGeneric checks v against the Job schema and decodes it with
// encoding/json, strictly.
func decodeGeneric(v any) (*Job, error) {
	var ps problems
	checkSchema(v, reflect.TypeFor[Job](), "", &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	canonical, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("re-encode spec: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(canonical))
	dec.DisallowUnknownFields()
	var j Job
	if err := dec.Decode(&j); err != nil {
		return nil, &ValidationError{Problems: []Problem{{Message: err.Error()}}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ValidationError{Problems: []Problem{{Message: "unexpected data after the document"}}}
	}
	j.normalize()
	return &j, nil
}

// normalize makes empty lists and maps nil, so that a decoded Job and the
// same Job decoded again from its JSON encoding are equal.
func (j *Job) normalize() {
	if len(j.Labels) == 0 {
		j.Labels = nil
	}
	if len(j.Entrypoint) == 0 {
		j.Entrypoint = nil
	}
	if len(j.Args) == 0 {
		j.Args = nil
	}
	if len(j.Env) == 0 {
		j.Env = nil
	}
	if len(j.Inputs) == 0 {
		j.Inputs = nil
	}
	if len(j.Outputs) == 0 {
		j.Outputs = nil
	}
	if len(j.Constraints) == 0 {
		j.Constraints = nil
	}
}

// DecodeFile reads and decodes the spec at path, reading no more than
// MaxSpecBytes+1 bytes.
func DecodeFile(path string) (*Job, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read spec %s: %w", path, err)
	}
	j, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return j, nil
}
