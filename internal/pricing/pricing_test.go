package pricing

import "testing"

func TestCharge(t *testing.T) {
	cases := []struct{ rate, min, cpuMs, want int64 }{
		{100, 5, 1500, 150},
		{100, 5, 1, 5},
		{100, 0, 1, 1},  // rounds up: a started CPU-millisecond is paid
		{100, 0, -4, 0}, // a bogus negative measure is never a credit
	}
	for _, c := range cases {
		if got := Charge(c.rate, c.min, c.cpuMs); got != c.want {
			t.Errorf("Charge(%d,%d,%d) = %d, want %d", c.rate, c.min, c.cpuMs, got, c.want)
		}
	}
	if got := BillableCPUMs(900, 1000, 500, 30_000); got != 500 {
		t.Errorf("a half-core task billed %d ms for 1 s of wall time", got)
	}
	if got := BillableCPUMs(9000, 40_000, 1000, 30_000); got != 9000 {
		t.Errorf("BillableCPUMs = %d, want the measured 9000", got)
	}
	if got := BillableCPUMs(40_000, 40_000, 1000, 30_000); got != 30_000 {
		t.Errorf("time past the timeout billed: %d", got)
	}
	if got := WorstCase(100, 0, 2000, 30_000); got != 6000 {
		t.Errorf("WorstCase = %d, want 6000", got)
	}
}
