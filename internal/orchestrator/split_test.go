package orchestrator

import (
	"bytes"
	"fmt"
	"testing"
)

func TestLineRangesCoverTheInputExactly(t *testing.T) {
	for _, data := range []string{"", "one", "one\n", "a\nb\nc\nd\ne\n", "a\nb\nc\nlast without newline", "\n\n\n"} {
		for shards := 1; shards <= 7; shards++ {
			var whole []byte
			lines := 0
			for shard := range shards {
				part := lineRange([]byte(data), shard, shards)
				if len(part) > 0 && shard < shards-1 && part[len(part)-1] != '\n' {
					t.Errorf("%q / %d: shard %d ends mid-line: %q", data, shards, shard, part)
				}
				lines += bytes.Count(part, []byte{'\n'})
				whole = append(whole, part...)
			}
			if string(whole) != data {
				t.Fatalf("%q in %d shards put back together is %q", data, shards, whole)
			}
			if lines != bytes.Count([]byte(data), []byte{'\n'}) {
				t.Fatalf("%q / %d: %d newlines", data, shards, lines)
			}
		}
	}
	// Balanced: 10 lines in 3 shards are 3, 3 and 4 lines.
	var data bytes.Buffer
	for i := range 10 {
		fmt.Fprintf(&data, "line %d\n", i)
	}
	for shard, want := range []int{3, 3, 4} {
		if got := bytes.Count(lineRange(data.Bytes(), shard, 3), []byte{'\n'}); got != want {
			t.Errorf("shard %d has %d lines, want %d", shard, got, want)
		}
	}
}
