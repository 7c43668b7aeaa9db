package executor

import (
	"bytes"
	"testing"
)

func TestBoundedOutput(t *testing.T) {
	var live bytes.Buffer
	o := NewBoundedOutput(5, &live, "stdout", nil)
	for _, s := range []string{"abc", "defg", "hij"} {
		if n, err := o.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if string(o.Bytes()) != "abcde" || live.String() != "abcde" || !o.Truncated() {
		t.Fatalf("captured %q, streamed %q, truncated %t", o.Bytes(), live.String(), o.Truncated())
	}
	if d := NewBoundedOutput(0, nil, "stderr", nil); d.Limit() != DefaultOutputBytes {
		t.Fatalf("default limit %d", d.Limit())
	}
}
