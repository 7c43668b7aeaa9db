package polkadot

import "testing"

func TestParseAsset(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Asset
	}{
		{"native", Asset{Native: true, Decimals: 12}},
		{" Native:10 ", Asset{Native: true, Decimals: 10}},
		{"usdc", Asset{ID: 1337, Decimals: 6}},
		{"USDT", Asset{ID: 1984, Decimals: 6}},
		{"asset:7:18", Asset{ID: 7, Decimals: 18}},
		{"asset:4294967295:0", Asset{ID: 4294967295, Decimals: 0}},
	} {
		got, err := ParseAsset(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseAsset(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			continue
		}
		if back, err := ParseAsset(got.String()); err != nil || back != got {
			t.Errorf("ParseAsset(%q.String() = %q) = %+v, %v", c.in, got.String(), back, err)
		}
	}
	for _, in := range []string{"", "dot", "native:", "native:x", "native:39", "native:-1", "native:1:2",
		"usdc:6", "asset", "asset:1", "asset:x:6", "asset:4294967296:6", "asset:1:99", "asset:1:2:3"} {
		if a, err := ParseAsset(in); err == nil {
			t.Errorf("ParseAsset(%q) = %+v, want an error", in, a)
		}
	}
}
