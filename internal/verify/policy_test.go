package verify

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func ex(task, root string) Execution { return Execution{Task: task, Provider: "p-" + task, Root: root} }

func TestCountNeedsAStrictMajorityOfTheVoters(t *testing.T) {
	cases := []struct {
		execs  []Execution
		voters int
		root   string
		agree  int
	}{
		{[]Execution{ex("a", "x")}, 1, "x", 1},
		{[]Execution{ex("a", "x"), ex("b", "x"), ex("c", "y")}, 3, "x", 2},
		{[]Execution{ex("a", "x"), ex("b", "y"), ex("c", "z")}, 3, "", 0},
		{[]Execution{ex("a", "x"), ex("b", "y")}, 2, "", 0},
		// Two of three planned replicas finished and agree: still a
		// majority of three. One alone is not.
		{[]Execution{ex("a", "x"), ex("b", "x")}, 3, "x", 2},
		{[]Execution{ex("a", "x")}, 3, "", 0},
		// Extra executions vote too: one root of three is no majority
		// even if one replica was planned.
		{[]Execution{ex("a", "x"), ex("b", "y"), ex("c", "z")}, 1, "", 0},
	}
	for i, c := range cases {
		got := Count(c.execs, c.voters)
		if got.Root != c.root || len(got.Agreeing) != c.agree {
			t.Errorf("case %d: root %q with %d agreeing, want %q with %d", i, got.Root, len(got.Agreeing), c.root, c.agree)
		}
		if got.Decided() && len(got.Agreeing)+len(got.Dissenting) != len(c.execs) || !got.Decided() && len(got.Split) != len(c.execs) {
			t.Errorf("case %d: executions lost from the tally: %+v", i, got)
		}
	}
}

func TestNextChecksAndBreaksTies(t *testing.T) {
	cases := []struct {
		execs []Execution
		check bool
		step  Step
		root  string
	}{
		{[]Execution{ex("a", "x")}, false, Accept, "x"},
		{[]Execution{ex("a", "x")}, true, RunAnother, ""},
		{[]Execution{ex("a", "x"), ex("b", "x")}, true, Accept, "x"},
		{[]Execution{ex("a", "x"), ex("b", "y")}, true, RunAnother, ""},
		{[]Execution{ex("a", "x"), ex("b", "y"), ex("c", "y")}, true, Accept, "y"},
		{[]Execution{ex("a", "x"), ex("b", "y"), ex("c", "x")}, true, Accept, "x"},
		{[]Execution{ex("a", "x"), ex("b", "y"), ex("c", "z")}, true, Reject, ""},
		// A trusted result that was checked anyway and disagrees is a tie.
		{[]Execution{ex("a", "x"), ex("b", "y")}, false, RunAnother, ""},
	}
	for i, c := range cases {
		step, tally := Next(c.execs, c.check)
		if step != c.step || tally.Root != c.root {
			t.Errorf("case %d: %s %q, want %s %q", i, step, tally.Root, c.step, c.root)
		}
	}
	_, tally := Next([]Execution{ex("a", "x"), ex("b", "y"), ex("c", "y")}, true)
	if len(tally.Dissenting) != 1 || tally.Dissenting[0].Task != "a" {
		t.Errorf("the liar is not the dissenter: %+v", tally)
	}
}

func TestDrawIsReproducibleAndUniform(t *testing.T) {
	if Draw("j-abc", 0, "spot-check") != Draw("j-abc", 0, "spot-check") {
		t.Fatal("draw is not reproducible")
	}
	if Draw("j-abc", 0, "spot-check") == Draw("j-abc", 1, "spot-check") || Draw("j-abc", 0, "spot-check") == Draw("j-abd", 0, "spot-check") {
		t.Fatal("draw ignores the shard or the job")
	}
	var buckets [10]int
	const n = 100_000
	for i := range n {
		d := Draw(fmt.Sprintf("j-%d", i), i%7, "spot-check")
		if d < 0 || d >= 1 {
			t.Fatalf("draw %v out of [0, 1)", d)
		}
		buckets[int(d*10)]++
	}
	for i, b := range buckets {
		if math.Abs(float64(b)-n/10) > 0.05*n/10 {
			t.Errorf("bucket %d holds %d of %d draws", i, b, n)
		}
	}
}

// TestSpotCheckCatchRate simulates providers that cheat on a fraction s
// of their n results, each result spot-checked through SpotCheck with
// probability q, and compares the share of cheaters caught at least once
// with 1-(1-qs)^n.
func TestSpotCheckCatchRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 5))
	const trials = 20_000
	for _, c := range []struct {
		q, s float64
		n    int
	}{
		{0.1, 1, 10},
		{0.1, 0.5, 10},
		{0.05, 0.3, 20},
		{0.2, 0.1, 30},
		{0.5, 0.2, 3},
	} {
		caught := 0
		for range trials {
			for i := range c.n {
				cheats := rng.Float64() < c.s
				job := jobID(rng)
				if check, _ := SpotCheck(job, i%4, c.q); cheats && check {
					caught++
					break
				}
			}
		}
		got := float64(caught) / trials
		want := 1 - math.Pow(1-c.q*c.s, float64(c.n))
		t.Logf("q=%.2f s=%.2f n=%d: caught %.4f, expected %.4f", c.q, c.s, c.n, got, want)
		if math.Abs(got-want) > 0.02 {
			t.Errorf("q=%.2f s=%.2f n=%d: catch rate %.4f, expected %.4f within 0.02", c.q, c.s, c.n, got, want)
		}
	}
}

// jobID is a job ID of the orchestrator's form, from the test's generator.
func jobID(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := []byte("j-0000000000000000")
	for i := 2; i < len(b); i++ {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func TestTrustNeedsALongCleanRecord(t *testing.T) {
	// score of a record with alpha successes and beta failures
	score := func(alpha, beta float64) float64 { return (alpha + 1) / (alpha + beta + 2) }
	p := DefaultTrust
	rec := func(s float64) TrackRecord { return TrackRecord{Score: s, Successes: SuccessesFromScore(s)} }
	if p.Trusted(rec(0.5)) {
		t.Error("a newcomer is trusted")
	}
	if p.Trusted(rec(score(10, 0))) {
		t.Error("ten clean results are trusted")
	}
	if !p.Trusted(rec(score(30, 0))) {
		t.Error("thirty clean results are not trusted")
	}
	if p.Trusted(rec(score(30, 1))) {
		t.Error("a recent wrong result is trusted")
	}
	if got := SuccessesFromScore(score(25, 0)); math.Abs(got-25) > 1e-9 {
		t.Errorf("successes from a clean score: %v, want 25", got)
	}
}
