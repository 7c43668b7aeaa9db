package spec

import "strconv"

// fieldPath appends a struct field name: "resources" + "cpu" = "resources.cpu".
func fieldPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// indexPath appends a list index: "inputs" + 2 = "inputs[2]".
func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// keyPath appends a map key: "env" + "FOO" = "env.FOO". Keys that are not
// plain identifiers are quoted: labels["opensky.io/arch"].
func keyPath(parent, key string) string {
	if isPlainKey(key) {
		return fieldPath(parent, key)
	}
	return parent + "[" + strconv.Quote(key) + "]"
}

func isPlainKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9', c == '-':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
