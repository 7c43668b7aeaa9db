package spec

import (
	"errors"
	"fmt"
	"time"
)

// ParseDuration parses a duration in time.ParseDuration syntax ("30s",
// "1h30m", "250ms"). The duration must be positive.
func ParseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use a number with a unit such as 30s, 5m or 1h30m", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", s)
	}
	return Duration(d), nil
}

// Std returns the duration as a time.Duration.
func (d Duration) Std() time.Duration {
	return time.Duration(d)
}

// String returns the canonical form, that of time.Duration ("1m30s").
func (d Duration) String() string {
	return time.Duration(d).String()
}

// MarshalJSON writes the canonical string form.
func (d Duration) MarshalJSON() ([]byte, error) {
	return marshalString(d.String())
}

// UnmarshalJSON accepts a duration string or a JSON number of seconds
// (exact to the nanosecond).
func (d *Duration) UnmarshalJSON(data []byte) error {
	return unmarshalQuantity(data,
		func(s string) error {
			v, err := ParseDuration(s)
			if err == nil {
				*d = v
			}
			return err
		},
		func(n string) error {
			v, err := scaleDecimal(n, int64(time.Second), true)
			switch {
			case errors.Is(err, errFraction):
				return fmt.Errorf("invalid duration %s: finer than a nanosecond", n)
			case err != nil:
				return fmt.Errorf("invalid duration %s: %w", n, err)
			case v == 0:
				return fmt.Errorf("invalid duration %s: must be positive", n)
			}
			*d = Duration(v)
			return nil
		})
}
