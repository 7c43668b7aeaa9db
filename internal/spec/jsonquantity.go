package spec

import (
	"encoding/json"
	"fmt"
)

// unmarshalQuantity decodes a quantity written either as a JSON string in
// its human form (parsed by str) or as a JSON number (parsed by num from
// the number's exact decimal text). A JSON null leaves the value alone.
func unmarshalQuantity(data []byte, str, num func(string) error) error {
	switch {
	case string(data) == "null":
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("invalid string: %w", err)
		}
		return str(s)
	case len(data) > 0 && (data[0] == '-' || (data[0] >= '0' && data[0] <= '9')):
		return num(string(data))
	default:
		return fmt.Errorf("expected a string or a number, got %s", jsonKind(data))
	}
}

// jsonKind names the kind of the JSON value that starts data.
func jsonKind(data []byte) string {
	if len(data) == 0 {
		return "nothing"
	}
	switch data[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '"':
		return "a string"
	default:
		return "a number"
	}
}

// marshalString writes s as a JSON string.
func marshalString(s string) ([]byte, error) {
	return json.Marshal(s)
}
