package spec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseMilliCPU parses a CPU amount: cores as a decimal with at most three
// places ("1", "0.5", "2.25") or whole millicores with an "m" suffix
// ("250m"). Negative amounts are rejected.
func ParseMilliCPU(s string) (MilliCPU, error) {
	num, unit := s, int64(Core)
	if m, ok := strings.CutSuffix(s, "m"); ok {
		num, unit = m, 1
	}
	v, err := scaleDecimal(num, unit, false)
	if err != nil {
		return 0, fmt.Errorf("invalid cpu %q: %w", s, cpuReason(err))
	}
	return MilliCPU(v), nil
}

func cpuReason(err error) error {
	if errors.Is(err, errFraction) {
		return errors.New("finer than a millicore")
	}
	return err
}

// Cores returns the amount in cores.
func (c MilliCPU) Cores() float64 {
	return float64(c) / float64(Core)
}

// String returns the canonical form: whole cores ("2") or millicores
// ("250m", "1500m").
func (c MilliCPU) String() string {
	if c%Core == 0 {
		return strconv.FormatInt(int64(c/Core), 10)
	}
	return strconv.FormatInt(int64(c), 10) + "m"
}

// MarshalJSON writes the canonical string form.
func (c MilliCPU) MarshalJSON() ([]byte, error) {
	return marshalString(c.String())
}

// UnmarshalJSON accepts a CPU string or a JSON number of cores.
func (c *MilliCPU) UnmarshalJSON(data []byte) error {
	return unmarshalQuantity(data,
		func(s string) error {
			v, err := ParseMilliCPU(s)
			if err == nil {
				*c = v
			}
			return err
		},
		func(n string) error {
			v, err := scaleDecimal(n, int64(Core), true)
			if err != nil {
				return fmt.Errorf("invalid cpu %s: %w", n, cpuReason(err))
			}
			*c = MilliCPU(v)
			return nil
		})
}
