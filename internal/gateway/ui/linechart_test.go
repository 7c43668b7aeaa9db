package ui

import (
	"strings"
	"testing"
)

func TestLineChart(t *testing.T) {
	c := LineChart{
		ID: "c1", Title: `Jobs <&> "done"`, Desc: "a test", XLabel: "block height",
		Series: []Series{
			{Name: "in", Points: []Point{{X: 10, Y: 0}, {X: 20, Y: 5}, {X: 30, Y: 40}}},
			{Name: "out <b>", Points: []Point{{X: 10, Y: 0}, {X: 20, Y: 1}, {X: 30, Y: 2}}},
		},
		xText: heightText,
	}
	svg := string(c.SVG())
	wantAll(t, "chart", svg,
		`<svg class="chart line-chart" role="img"`,
		`<title id="c1-title">Jobs &lt;&amp;&gt; &#34;done&#34;</title>`,
		`aria-labelledby="c1-title c1-desc"`,
		"3 points from height 10 to height 30",
		"in: from 0 to 40, highest 40",
		"out &lt;b&gt;",
		`stroke-dasharray="6 4"`, // the second line is dashed
		">height 10<", ">height 30<", ">block height<",
		">50<", // the top of the axis: 40 rounded up
	)
	if !strings.HasPrefix(svg[strings.Index(svg, ">")+1:], "<title") {
		t.Error("the chart does not start with its title")
	}
	if got := polylinePoints(svg); len(got) != 2 || got[0] != 3 || got[1] != 3 {
		t.Errorf("lines of %v points, want two of 3", got)
	}
	// Zero is at the plot's foot (y 220), the axis's top (50) at its top
	// (y 30), so 40 is four fifths up; the first X is at the left edge,
	// the last at the right.
	pts := strings.Fields(polylineRE.FindStringSubmatch(svg)[1])
	if pts[0] != "92,220" || pts[2] != "628,68" {
		t.Errorf("points %v, want the first at 92,220 and the last at 628,68", pts)
	}
}

func TestLineChartEdges(t *testing.T) {
	empty := string(LineChart{ID: "e", Title: "Empty", Series: []Series{{Name: "x"}}}.SVG())
	wantAll(t, "empty chart", empty, "nothing to show yet", "no data yet", "x: no data")
	if strings.Contains(empty, "<polyline") {
		t.Error("an empty chart draws a line")
	}

	// One point, or all at one X, is drawn in the middle; all zero lies
	// on the axis.
	one := string(LineChart{ID: "o", Title: "One", Series: []Series{{Name: "x", Points: []Point{{X: 5, Y: 0}}}}}.SVG())
	if got := polylineRE.FindStringSubmatch(one); got == nil || got[1] != "360,220" {
		t.Errorf("one point drawn at %v, want 360,220", got)
	}
	wantAll(t, "one point", one, `<circle cx="360" cy="220"`)
}

func TestNiceCeil(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0.3, 0.5}, {1, 1}, {1.2, 2}, {2.2, 2.5}, {4, 5}, {7, 10}, {40, 50}, {100_000_001, 200_000_000},
	} {
		if got := niceCeil(c.in); got != c.want {
			t.Errorf("niceCeil(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestAxisText(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{{0, "$0"}, {2_500_000, "$2.5"}, {1234, "$0.001234"}, {110.4, "$0.00011"}, {-1_000_000, "-$1"}} {
		if got := usdAxisText(c.in); got != c.want {
			t.Errorf("usdAxisText(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := clockText(float64(t0.Unix())); got != "12:00:00" {
		t.Errorf("clockText = %q", got)
	}
}
