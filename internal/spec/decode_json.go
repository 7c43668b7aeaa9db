package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDepth bounds the nesting of a spec document; a job spec needs four
// levels, the rest is room for error messages that make sense.
const maxDepth = 32

// maxValues bounds the values (scalars, lists and objects) in a spec
// document. A spec at every limit of Validate holds about 10,000; the
// bound keeps the cost of a hostile document of many tiny values low.
const maxValues = 100_000

// errTooManyValues reports a document over maxValues.
var errTooManyValues = fmt.Errorf("more than %d values in one spec", maxValues)

// parseJSON parses one JSON document into a generic value (map[string]any,
// []any, string, json.Number, bool, nil). Duplicate keys, nesting deeper
// than maxDepth and anything after the document are errors. syntax
// reports that data is not JSON at all.
func parseJSON(data []byte) (v any, syntax bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	count := 0
	v, err = parseJSONValue(dec, "", 0, &count)
	if err != nil {
		var pe *pathError
		return nil, !errors.As(err, &pe), jsonProblem(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, &ValidationError{Problems: []Problem{{Message: "unexpected data after the JSON document"}}}
	}
	return v, false, nil
}

func parseJSONValue(dec *json.Decoder, path string, depth int, count *int) (any, error) {
	if *count++; *count > maxValues {
		return nil, &pathError{path, errTooManyValues.Error()}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxDepth {
		return nil, &pathError{path, fmt.Sprintf("nested more than %d levels deep", maxDepth)}
	}
	switch d {
	case '{':
		m := map[string]any{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k := kt.(string) // the decoder only yields string keys in an object
			if _, dup := m[k]; dup {
				return nil, &pathError{keyPath(path, k), "duplicate key"}
			}
			if m[k], err = parseJSONValue(dec, keyPath(path, k), depth+1, count); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token() // '}'
		return m, err
	default: // '['
		l := []any{}
		for dec.More() {
			v, err := parseJSONValue(dec, indexPath(path, len(l)), depth+1, count)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := dec.Token() // ']'
		return l, err
	}
}

// pathError is a problem found while parsing, before the schema is known.
type pathError struct {
	path, msg string
}

func (e *pathError) Error() string { return Problem{Path: e.path, Message: e.msg}.String() }

// jsonProblem turns a parse error into a *ValidationError with a line and
// column where the decoder gives an offset.
func jsonProblem(data []byte, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return &ValidationError{Problems: []Problem{{Path: pe.path, Message: pe.msg}}}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(data, se.Offset)
		return &ValidationError{Problems: []Problem{{Message: fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, se.Error())}}}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return &ValidationError{Problems: []Problem{{Message: "invalid JSON: unexpected end of input"}}}
	}
	return &ValidationError{Problems: []Problem{{Message: fmt.Sprintf("invalid JSON: %s", err)}}}
}

// lineCol converts the 0-based byte offset of a syntax error into a
// 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
