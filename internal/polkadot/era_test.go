package polkadot

import "testing"

// The vectors are Substrate's own (sp_runtime::generic::Era tests).
func TestMortalEraEncoding(t *testing.T) {
	for _, c := range []struct {
		current, period uint64
		wantPeriod      uint64
		wantPhase       uint64
		want            [2]byte
	}{
		{42, 64, 64, 42, [2]byte{5 + 42%16*16, 42 / 16}},
		{20000, 32768, 32768, 20000, [2]byte{14 + 2500%16*16, 2500 / 16}},
		{513, 200, 256, 1, [2]byte{7 + 1<<4, 0}},    // period rounded up
		{1, 2, 4, 1, [2]byte{1 + 1<<4, 0}},          // period at least 4
		{5, 4, 4, 1, [2]byte{1 + 1<<4, 0}},          // phase is current mod period
		{1000001, 1000000, 65536, 16960, [2]byte{}}, // clamped and quantized
	} {
		e := mortalEra(c.current, c.period)
		if e.period != c.wantPeriod || e.phase != c.wantPhase {
			t.Errorf("mortalEra(%d, %d) = %+v, want period %d phase %d", c.current, c.period, e, c.wantPeriod, c.wantPhase)
		}
		if c.want != ([2]byte{}) && e.encode() != c.want {
			t.Errorf("mortalEra(%d, %d).encode() = %x, want %x", c.current, c.period, e.encode(), c.want)
		}
	}
	// The quantized era: 15 (log2 65536 - 1) and the phase in units of
	// 65536>>12 = 16 blocks.
	e := mortalEra(1000001, 1000000)
	if got, want := e.encode(), uint16(15|16960/16<<4); got != [2]byte{byte(want), byte(want >> 8)} {
		t.Errorf("quantized era encodes as %x, want %04x", got, want)
	}
}

func TestMortalEraLifetime(t *testing.T) {
	e := mortalEra(6, 4)
	for current := uint64(6); current < 10; current++ {
		if b := e.birth(current); b != 6 {
			t.Errorf("birth(%d) = %d, want 6", current, b)
		}
	}
	if b := e.birth(10); b == 6 {
		t.Error("birth(10) is still 6: the era should have ended at 10")
	}
	if last := e.lastBlock(6); last != 9 {
		t.Errorf("lastBlock(6) = %d, want 9", last)
	}
	// A long era's phase is coarse: the birth is the quantized block.
	long := mortalEra(1000001, 65536)
	if b := long.birth(1000001); b != 983040+16960 {
		t.Errorf("quantized birth = %d, want %d", b, 983040+16960)
	}
}
