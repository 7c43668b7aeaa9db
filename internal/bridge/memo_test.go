package bridge

import (
	"strings"
	"testing"
)

func TestAnchorMemoRoundTrip(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	for _, chain := range []string{"opensky-devnet", "a:b:c", "x"} {
		m := AnchorMemo(chain, 42, strings.ToUpper(hash))
		c, h, bh, err := ParseAnchorMemo(m)
		if err != nil || c != chain || h != 42 || bh != hash {
			t.Fatalf("%q: %q %d %q %v", m, c, h, bh, err)
		}
	}
	for _, bad := range []string{
		"", "opensky/anchor/1:", "opensky/anchor/1:c:1", "opensky/anchor/1:c:0:" + hash,
		"opensky/anchor/1:c:-5:" + hash, "opensky/anchor/1:c:1:" + hash[:62], "opensky/anchor/1::1:" + hash,
		"opensky/anchor/2:c:1:" + hash, "opensky/anchor/1:c:1:" + strings.Repeat("zz", 32), "opensky/anchor/1:c:01:" + hash,
		"opensky/anchor/1:c:1:" + strings.ToUpper(hash),
		"opensky/anchor/1:" + strings.Repeat("c", 600) + ":1:" + hash,
	} {
		if _, _, _, err := ParseAnchorMemo(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseAnchorMemo(f *testing.F) {
	f.Add(AnchorMemo("opensky-devnet", 7, strings.Repeat("0f", 32)))
	f.Add("opensky/anchor/1:a:b:1:" + strings.Repeat("00", 32))
	f.Add("opensky/anchor/1:::")
	f.Fuzz(func(t *testing.T, memo string) {
		c, h, bh, err := ParseAnchorMemo(memo)
		if err != nil {
			return
		}
		// What parses is what AnchorMemo writes.
		if again := AnchorMemo(c, h, bh); again != memo {
			t.Fatalf("%q parsed to (%q, %d, %q), which writes %q", memo, c, h, bh, again)
		}
	})
}
