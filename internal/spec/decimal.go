package spec

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxDecimalLen bounds the text of one decimal quantity so that parsing
// stays cheap whatever the input.
const maxDecimalLen = 64

var (
	errSyntax   = errors.New("not a decimal number")
	errNegative = errors.New("must not be negative")
	errFraction = errors.New("too many decimal places")
	errOverflow = errors.New("too large")
)

// scaleDecimal returns the non-negative decimal s multiplied by unit. The
// product must be a whole number that fits in an int64. s is digits with
// an optional fraction ("12", "0.25"); when exp is true a JSON exponent
// ("1e3", "2.5E-1") is accepted too. The arithmetic is exact.
func scaleDecimal(s string, unit int64, exp bool) (int64, error) {
	if len(s) > maxDecimalLen {
		return 0, errOverflow
	}
	if strings.HasPrefix(s, "-") {
		if isZeroDecimal(s[1:]) {
			s = s[1:]
		} else {
			return 0, errNegative
		}
	}
	mant, e := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		if !exp {
			return 0, errSyntax
		}
		var err error
		if e, err = parseExponent(s[i+1:]); err != nil {
			return 0, err
		}
		mant = s[:i]
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	if !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return 0, errSyntax
	}
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return 0, errSyntax
	}
	n.Mul(n, big.NewInt(unit))
	e -= len(frac)
	ten := big.NewInt(10)
	if e > 0 {
		n.Mul(n, new(big.Int).Exp(ten, big.NewInt(int64(e)), nil))
	} else if e < 0 {
		q, r := new(big.Int).QuoRem(n, new(big.Int).Exp(ten, big.NewInt(int64(-e)), nil), new(big.Int))
		if r.Sign() != 0 {
			return 0, errFraction
		}
		n = q
	}
	if !n.IsInt64() {
		return 0, errOverflow
	}
	return n.Int64(), nil
}

// parseExponent parses the exponent of a JSON number, bounded so that the
// scaling above never builds a huge power of ten.
func parseExponent(s string) (int, error) {
	neg := false
	switch {
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	}
	if !allDigits(s) {
		return 0, errSyntax
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 2 {
		if neg {
			return 0, errFraction
		}
		return 0, errOverflow
	}
	e := 0
	for _, c := range s {
		e = e*10 + int(c-'0')
	}
	if neg {
		e = -e
	}
	return e, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isZeroDecimal(s string) bool {
	return strings.Trim(s, "0.") == "" && s != ""
}

// formatScaled writes v/unit as a minimal decimal: "12", "0.05", "1.5".
// unit must be a power of ten.
func formatScaled(v int64, unit int64) string {
	if v == math.MinInt64 {
		return "-" + formatScaledUint(uint64(math.MaxInt64)+1, uint64(unit))
	}
	if v < 0 {
		return "-" + formatScaledUint(uint64(-v), uint64(unit))
	}
	return formatScaledUint(uint64(v), uint64(unit))
}

func formatScaledUint(v, unit uint64) string {
	whole, frac := v/unit, v%unit
	s := uitoa(whole)
	if frac == 0 {
		return s
	}
	digits := uitoa(frac + unit)[1:] // zero-padded to the width of unit
	return s + "." + strings.TrimRight(digits, "0")
}

func uitoa(v uint64) string {
	return strconv.FormatUint(v, 10)
}
