package spec

import (
	"errors"
	"fmt"
	"strings"
)

// ParseMicroUSD parses a dollar amount: a decimal with at most six places
// and an optional leading "$" ("0.05", "$1.25", "12"). Negative amounts
// and amounts that overflow are rejected.
func ParseMicroUSD(s string) (MicroUSD, error) {
	v, err := scaleDecimal(strings.TrimPrefix(s, "$"), int64(Dollar), false)
	if err != nil {
		return 0, fmt.Errorf("invalid amount %q: %w", s, amountReason(err))
	}
	return MicroUSD(v), nil
}

func amountReason(err error) error {
	if errors.Is(err, errFraction) {
		return errors.New("more than 6 decimal places")
	}
	return err
}

// String returns the canonical form: dollars as a minimal decimal
// ("0.05", "12", "1.25").
func (m MicroUSD) String() string {
	return formatScaled(int64(m), int64(Dollar))
}

// MarshalJSON writes the canonical string form.
func (m MicroUSD) MarshalJSON() ([]byte, error) {
	return marshalString(m.String())
}

// UnmarshalJSON accepts a dollar string or a JSON number of dollars.
func (m *MicroUSD) UnmarshalJSON(data []byte) error {
	return unmarshalQuantity(data,
		func(s string) error {
			v, err := ParseMicroUSD(s)
			if err == nil {
				*m = v
			}
			return err
		},
		func(n string) error {
			v, err := scaleDecimal(n, int64(Dollar), true)
			if err != nil {
				return fmt.Errorf("invalid amount %s: %w", n, amountReason(err))
			}
			*m = MicroUSD(v)
			return nil
		})
}
