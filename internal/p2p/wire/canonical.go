package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Marshal returns the canonical encoding of a payload: its encoding/json
// form with fields in struct order, map keys sorted, no HTML escaping and
// no trailing newline.
func Marshal(m Message) ([]byte, error) {
	if m == nil {
		return nil, errors.New("wire: marshal nil message")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("wire: marshal %s: %w", m.WireType(), err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// unmarshal decodes a canonical payload into m, a non-nil pointer, after
// resetting it to its zero value. Unknown fields and trailing data are
// ErrMalformed; a payload that decodes but is not what Marshal produces for
// the decoded value is ErrNotCanonical.
func unmarshal(payload []byte, m Message) error {
	v := reflect.ValueOf(m)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("wire: decode into %T: need a non-nil pointer", m)
	}
	v.Elem().SetZero()
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return fmt.Errorf("%w: %s payload: %w", ErrMalformed, m.WireType(), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s payload: trailing data", ErrMalformed, m.WireType())
	}
	canon, err := Marshal(m)
	if err != nil {
		return err
	}
	if !bytes.Equal(canon, payload) {
		return fmt.Errorf("%w: %s payload", ErrNotCanonical, m.WireType())
	}
	return nil
}
