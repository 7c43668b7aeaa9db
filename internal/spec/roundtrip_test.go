package spec

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// quantityValues yields edge cases and random non-negative values drawn
// from every magnitude, so that each suffix and fraction length shows up.
func quantityValues(r *rand.Rand, n int) []int64 {
	vs := []int64{0, 1, 999, 1000, 1001, 1023, 1024, 1 << 20, 1 << 30, 1 << 40, 1e6, 1e9, math.MaxInt64, math.MaxInt64 - 1}
	for range n {
		bits := r.IntN(63) + 1
		v := r.Int64N(int64(1) << (bits - 1))
		if r.IntN(3) == 0 {
			v <<= r.IntN(63 - bits + 1) // many trailing zero bits: binary suffixes
		}
		vs = append(vs, v)
	}
	return vs
}

// roundTrip checks that unmarshal∘marshal is the identity on v and that
// the marshalled form is a fixed point.
func roundTrip[T any, P interface {
	*T
	json.Unmarshaler
}](t *testing.T, v T) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %v: %v", v, err)
	}
	var back T
	if err := P(&back).UnmarshalJSON(data); err != nil {
		t.Fatalf("unmarshal %s (from %v): %v", data, v, err)
	}
	again, _ := json.Marshal(back)
	if any(back) != any(v) || string(again) != string(data) {
		t.Fatalf("%v -> %s -> %v -> %s", v, data, back, again)
	}
}

func TestQuantityRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, v := range quantityValues(r, 20000) {
		roundTrip(t, ByteSize(v))
		roundTrip(t, MilliCPU(v))
		roundTrip(t, MicroUSD(v))
		if v > 0 {
			roundTrip(t, Duration(v))
		}
	}
}

// TestQuantityStringParse checks that String is accepted by the parsers
// and gives back the same value.
func TestQuantityStringParse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, v := range quantityValues(r, 5000) {
		if b, err := ParseByteSize(ByteSize(v).String()); err != nil || b != ByteSize(v) {
			t.Fatalf("ByteSize %d: %d, %v", v, b, err)
		}
		if c, err := ParseMilliCPU(MilliCPU(v).String()); err != nil || c != MilliCPU(v) {
			t.Fatalf("MilliCPU %d: %d, %v", v, c, err)
		}
		if m, err := ParseMicroUSD(MicroUSD(v).String()); err != nil || m != MicroUSD(v) {
			t.Fatalf("MicroUSD %d: %d, %v", v, m, err)
		}
		if v > 0 {
			if d, err := ParseDuration(Duration(v).String()); err != nil || d != Duration(v) {
				t.Fatalf("Duration %d: %d, %v", v, d, err)
			}
		}
	}
}
