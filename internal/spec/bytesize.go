package spec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// byteSuffixes maps each accepted size suffix to its multiplier.
var byteSuffixes = map[string]int64{
	"":   1,
	"k":  1e3,
	"M":  1e6,
	"G":  1e9,
	"T":  1e12,
	"Ki": 1 << 10,
	"Mi": 1 << 20,
	"Gi": 1 << 30,
	"Ti": 1 << 40,
}

// ParseByteSize parses a size: an integer number of bytes ("1048576") or a
// number with a decimal (k, M, G, T) or binary (Ki, Mi, Gi, Ti) suffix.
// A fraction is allowed when the result is a whole number of bytes
// ("1.5Gi", "0.5k"); negative sizes are rejected.
func ParseByteSize(s string) (ByteSize, error) {
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' })
	num, suffix := s, ""
	if i >= 0 {
		num, suffix = s[:i], s[i:]
	}
	unit, ok := byteSuffixes[suffix]
	if !ok {
		return 0, fmt.Errorf("invalid size %q: unknown suffix %q (use k, M, G, T, Ki, Mi, Gi or Ti)", s, suffix)
	}
	v, err := scaleDecimal(num, unit, false)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %w", s, sizeReason(err))
	}
	return ByteSize(v), nil
}

func sizeReason(err error) error {
	if errors.Is(err, errFraction) {
		return errors.New("not a whole number of bytes")
	}
	return err
}

// String returns the canonical form: the largest binary suffix that
// represents the size exactly ("64Mi", "1536Ki"), else plain bytes.
func (b ByteSize) String() string {
	if b == 0 {
		return "0"
	}
	for _, u := range []struct {
		suffix string
		size   ByteSize
	}{{"Ti", TiB}, {"Gi", GiB}, {"Mi", MiB}, {"Ki", KiB}} {
		if b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// MarshalJSON writes the canonical string form.
func (b ByteSize) MarshalJSON() ([]byte, error) {
	return marshalString(b.String())
}

// UnmarshalJSON accepts a size string or a JSON number of bytes.
func (b *ByteSize) UnmarshalJSON(data []byte) error {
	return unmarshalQuantity(data,
		func(s string) error {
			v, err := ParseByteSize(s)
			if err == nil {
				*b = v
			}
			return err
		},
		func(n string) error {
			v, err := scaleDecimal(n, 1, true)
			if err != nil {
				return fmt.Errorf("invalid size %s: %w", n, sizeReason(err))
			}
			*b = ByteSize(v)
			return nil
		})
}
