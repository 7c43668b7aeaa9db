package spec

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// textProblem describes what makes s unusable as a single-line value, or
// returns "" when s is valid UTF-8 without control characters.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "must not contain control characters"
	}
	return ""
}

// relPathProblem describes what makes p unusable as a clean relative
// slash-separated path of at most max bytes, or returns "".
func relPathProblem(p string, max int) string {
	switch {
	case p == "":
		return "must not be empty"
	case len(p) > max:
		return "longer than " + strconv.Itoa(max) + " bytes"
	case strings.HasPrefix(p, "/"):
		return "must be a relative path"
	case strings.Contains(p, "\\"):
		return "must use / as the separator"
	}
	if t := textProblem(p); t != "" {
		return t
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return "must not contain empty segments"
		case ".", "..":
			return `must not contain "." or ".." segments`
		}
	}
	return ""
}

// isLabelKey reports whether s is a label key: 1 to MaxLabelKeyLen
// characters from [A-Za-z0-9._/-], starting and ending alphanumeric.
func isLabelKey(s string) bool {
	if s == "" || len(s) > MaxLabelKeyLen || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '.' && c != '_' && c != '/' && c != '-' {
			return false
		}
	}
	return true
}

// isDNSLabel reports whether s is a lowercase DNS label of at most
// MaxNameLen characters.
func isDNSLabel(s string) bool {
	if s == "" || len(s) > MaxNameLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// isEnvKey reports whether s matches [A-Za-z_][A-Za-z0-9_]*.
func isEnvKey(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
