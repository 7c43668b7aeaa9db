package spec

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseByteSize(t *testing.T) {
	valid := map[string]ByteSize{
		"0":                   0,
		"1":                   1,
		"1048576":             1 << 20,
		"10k":                 10_000,
		"500M":                500_000_000,
		"2G":                  2_000_000_000,
		"1T":                  1_000_000_000_000,
		"1Ki":                 1024,
		"64Mi":                64 << 20,
		"1Gi":                 1 << 30,
		"3Ti":                 3 << 40,
		"1.5Gi":               3 << 29,
		"0.5k":                500,
		"2.5M":                2_500_000,
		"0.001k":              1,
		"007":                 7,
		"8388607Ti":           8388607 << 40,
		"-0":                  0,
		"1.000000Ki":          1024,
		"9223372036854775807": math.MaxInt64,
	}
	for in, want := range valid {
		got, err := ParseByteSize(in)
		if err != nil || got != want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"":                       "not a decimal number",
		"64Mx":                   `unknown suffix "Mx"`,
		"1K":                     `unknown suffix "K"`,
		"1 Mi":                   `unknown suffix " Mi"`,
		"Mi":                     "not a decimal number",
		"-1":                     "must not be negative",
		"-1Mi":                   "must not be negative",
		"0.5":                    "not a whole number of bytes",
		"1.1Ki":                  "not a whole number of bytes",
		"1.":                     "not a decimal number",
		".5k":                    "not a decimal number",
		"1e3":                    `unknown suffix "e3"`,
		"8388608Ti":              "too large",
		"9223372036854775808":    "too large",
		"1.2.3k":                 "not a decimal number",
		"+1":                     `unknown suffix "+1"`,
		strings.Repeat("1", 100): "too large",
	}
	for in, want := range invalid {
		_, err := ParseByteSize(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseByteSize(%q) error = %v; want it to mention %q", in, err, want)
		}
	}
}

func TestByteSizeString(t *testing.T) {
	for v, want := range map[ByteSize]string{
		0:             "0",
		1:             "1",
		1000:          "1000",
		1024:          "1Ki",
		1536:          "1536",
		1536 * 1024:   "1536Ki",
		64 * MiB:      "64Mi",
		3 * GiB / 2:   "1536Mi",
		5 * TiB:       "5Ti",
		-64 * MiB:     "-64Mi",
		math.MaxInt64: "9223372036854775807",
	} {
		if got := v.String(); got != want {
			t.Errorf("ByteSize(%d).String() = %q; want %q", int64(v), got, want)
		}
	}
}

func TestParseMilliCPU(t *testing.T) {
	valid := map[string]MilliCPU{
		"0":     0,
		"1":     1000,
		"0.5":   500,
		"250m":  250,
		"2.25":  2250,
		"0.001": 1,
		"64":    64000,
		"1500m": 1500,
		"1.0m":  1,
	}
	for in, want := range valid {
		got, err := ParseMilliCPU(in)
		if err != nil || got != want {
			t.Errorf("ParseMilliCPU(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"":                    "not a decimal number",
		"m":                   "not a decimal number",
		"0.0001":              "finer than a millicore",
		"0.5m":                "finer than a millicore",
		"-1":                  "must not be negative",
		"1 core":              "not a decimal number",
		"2c":                  "not a decimal number",
		"1e3":                 "not a decimal number",
		"1mm":                 "not a decimal number",
		"9999999999999999999": "too large",
	}
	for in, want := range invalid {
		_, err := ParseMilliCPU(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMilliCPU(%q) error = %v; want it to mention %q", in, err, want)
		}
	}
}

func TestMilliCPUString(t *testing.T) {
	for v, want := range map[MilliCPU]string{0: "0", 1000: "1", 250: "250m", 1500: "1500m", 64000: "64", 1: "1m"} {
		if got := v.String(); got != want {
			t.Errorf("MilliCPU(%d).String() = %q; want %q", int64(v), got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	valid := map[string]time.Duration{
		"30s":                      30 * time.Second,
		"1h30m":                    90 * time.Minute,
		"250ms":                    250 * time.Millisecond,
		"1.5h":                     90 * time.Minute,
		"1ns":                      1,
		"2562047h47m16.854775807s": math.MaxInt64,
	}
	for in, want := range valid {
		got, err := ParseDuration(in)
		if err != nil || got.Std() != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"":         "use a number with a unit",
		"30":       "use a number with a unit",
		"0s":       "must be positive",
		"0":        "must be positive",
		"-5s":      "must be positive",
		"1d":       "use a number with a unit",
		"3000000h": "use a number with a unit",
	}
	for in, want := range invalid {
		_, err := ParseDuration(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDuration(%q) error = %v; want it to mention %q", in, err, want)
		}
	}
}

func TestParseMicroUSD(t *testing.T) {
	valid := map[string]MicroUSD{
		"0":                    0,
		"0.05":                 50_000,
		"$1.25":                1_250_000,
		"12":                   12 * Dollar,
		"0.000001":             1,
		"$0":                   0,
		"1.500000":             1_500_000,
		"9223372036854.775807": math.MaxInt64,
	}
	for in, want := range valid {
		got, err := ParseMicroUSD(in)
		if err != nil || got != want {
			t.Errorf("ParseMicroUSD(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	invalid := map[string]string{
		"":                     "not a decimal number",
		"$":                    "not a decimal number",
		"-1":                   "must not be negative",
		"$-1":                  "must not be negative",
		"0.0000001":            "more than 6 decimal places",
		"1,000":                "not a decimal number",
		"USD 1":                "not a decimal number",
		"$$1":                  "not a decimal number",
		"1e2":                  "not a decimal number",
		"9223372036854.775808": "too large",
		"99999999999999999":    "too large",
	}
	for in, want := range invalid {
		_, err := ParseMicroUSD(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMicroUSD(%q) error = %v; want it to mention %q", in, err, want)
		}
	}
}

func TestMicroUSDString(t *testing.T) {
	for v, want := range map[MicroUSD]string{0: "0", 50_000: "0.05", 1_250_000: "1.25", 12 * Dollar: "12", 1: "0.000001", -50_000: "-0.05", math.MinInt64: "-9223372036854.775808"} {
		if got := v.String(); got != want {
			t.Errorf("MicroUSD(%d).String() = %q; want %q", int64(v), got, want)
		}
	}
}

// TestQuantityJSON covers both accepted JSON forms of every quantity: the
// human string and the number in the natural unit, parsed exactly.
func TestQuantityJSON(t *testing.T) {
	cases := []struct {
		in   string
		into interface {
			json.Unmarshaler
			json.Marshaler
		}
		want string // canonical re-encoding, or "" when in is invalid
	}{
		{`"64Mi"`, new(ByteSize), `"64Mi"`},
		{`67108864`, new(ByteSize), `"64Mi"`},
		{`1e3`, new(ByteSize), `"1000"`},
		{`1.5e3`, new(ByteSize), `"1500"`},
		{`"1.5Gi"`, new(ByteSize), `"1536Mi"`},
		{`1.5`, new(ByteSize), ""},
		{`-1`, new(ByteSize), ""},
		{`true`, new(ByteSize), ""},
		{`{}`, new(ByteSize), ""},
		{`1e400`, new(ByteSize), ""},
		{`"250m"`, new(MilliCPU), `"250m"`},
		{`0.5`, new(MilliCPU), `"500m"`},
		{`2`, new(MilliCPU), `"2"`},
		{`1.25e0`, new(MilliCPU), `"1250m"`},
		{`0.0001`, new(MilliCPU), ""},
		{`[1]`, new(MilliCPU), ""},
		{`"30s"`, new(Duration), `"30s"`},
		{`90`, new(Duration), `"1m30s"`},
		{`0.25`, new(Duration), `"250ms"`},
		{`0.000000001`, new(Duration), `"1ns"`},
		{`1e-9`, new(Duration), `"1ns"`},
		{`1e-10`, new(Duration), ""},
		{`0`, new(Duration), ""},
		{`"0s"`, new(Duration), ""},
		{`"0.05"`, new(MicroUSD), `"0.05"`},
		{`"$1.25"`, new(MicroUSD), `"1.25"`},
		{`0.1`, new(MicroUSD), `"0.1"`},
		{`12`, new(MicroUSD), `"12"`},
		{`0.0000001`, new(MicroUSD), ""},
		{`-0.5`, new(MicroUSD), ""},
		{`"-0.5"`, new(MicroUSD), ""},
	}
	for _, c := range cases {
		err := c.into.UnmarshalJSON([]byte(c.in))
		if c.want == "" {
			if err == nil {
				t.Errorf("%T from %s: want an error", c.into, c.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%T from %s: %v", c.into, c.in, err)
			continue
		}
		out, err := c.into.MarshalJSON()
		if err != nil || string(out) != c.want {
			t.Errorf("%T from %s re-encodes as %s, %v; want %s", c.into, c.in, out, err, c.want)
		}
	}
}

func TestQuantityJSONNullLeavesValue(t *testing.T) {
	b := ByteSize(7)
	if err := json.Unmarshal([]byte("null"), &b); err != nil || b != 7 {
		t.Fatalf("null: got %d, %v", b, err)
	}
}
