package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// marshal returns the one accepted encoding of v: encoding/json with
// fields in struct order, no HTML escaping and no trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// mustMarshal encodes state values, whose types always encode.
func mustMarshal(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic(fmt.Sprintf("ledger: encode %T: %v", v, err))
	}
	return b
}

// unmarshalCanonical decodes b strictly into v (unknown fields and
// trailing data are refused) and refuses b unless it is exactly what
// marshal produces for the decoded value.
func unmarshalCanonical(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data")
	}
	canon, err := marshal(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(canon, b) {
		return errors.New("not in canonical form")
	}
	return nil
}

func unmarshalJSON(b []byte, v any) error { return json.Unmarshal(b, v) }
