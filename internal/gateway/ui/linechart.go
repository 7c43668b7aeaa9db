package ui

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Point is one value of a series: X is a time (Unix seconds) or a block
// height, Y the value.
type Point struct {
	X, Y float64
}

// Series is one line of a line chart, its points in increasing X.
type Series struct {
	Name   string
	Points []Point
}

// LineChart is a chart of values over time (or over block heights),
// drawn as SVG by the server: one line per series, a legend, the range
// of each axis, and a description in words for screen readers.
type LineChart struct {
	ID     string // unique in the page; names the title and description
	Title  string
	Desc   string
	XLabel string // what the horizontal axis is, e.g. "block height"
	Series []Series
	// xText and yText format an X and a Y for the axes and the
	// description; the number itself when nil.
	xText func(float64) string
	yText func(float64) string
}

// Geometry of a line chart, in SVG user units.
const (
	lineWidth   = 640
	lineHeight  = 260
	lineLeft    = 92 // room for the Y labels
	lineRight   = 12
	lineTop     = 30 // room for the legend
	lineBottom  = 40 // room for the X labels and the axis name
	lineLegendW = 180
)

// seriesColours are the lines' colours, each at least 4.5:1 against the
// white background; the second and fourth lines are also dashed, so that
// colour is never the only way to tell them apart.
var seriesColours = []string{"#0b57b0", "#b3261e", "#1e6b34", "#8a4b00"}

// Points is the number of points of the chart's longest series.
func (c LineChart) Points() int {
	n := 0
	for _, s := range c.Series {
		n = max(n, len(s.Points))
	}
	return n
}

// SVG draws the chart. Every text is escaped; the numbers are formatted
// by the server, so the result is safe to put in a page as is.
func (c LineChart) SVG() template.HTML {
	id := html.EscapeString(c.ID)
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart line-chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		lineWidth, lineHeight, id, id)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, id, html.EscapeString(c.Title))
	fmt.Fprintf(&s, `<desc id="%s-desc">%s</desc>`, id, html.EscapeString(c.describe()))
	c.legend(&s)
	if c.Points() == 0 {
		fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%d">nothing to show yet</text>`, lineLeft, lineTop+40)
		s.WriteString(`</svg>`)
		return template.HTML(s.String())
	}
	x0, x1, y1 := c.bounds()
	plotW := float64(lineWidth - lineLeft - lineRight)
	plotH := float64(lineHeight - lineTop - lineBottom)
	px := func(x float64) float64 {
		if x1 == x0 {
			return float64(lineLeft) + plotW/2
		}
		return float64(lineLeft) + (x-x0)/(x1-x0)*plotW
	}
	py := func(y float64) float64 {
		return float64(lineTop) + plotH - min(max(y/y1, 0), 1)*plotH
	}
	// Grid lines at zero, half and the top, labelled.
	for _, f := range []float64{0, 0.5, 1} {
		y := py(f * y1)
		fmt.Fprintf(&s, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#c9d0d6" stroke-width="1"/>`, lineLeft, num(y), lineWidth-lineRight, num(y))
		fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%s" text-anchor="end">%s</text>`, lineLeft-6, num(y+4), html.EscapeString(clip(c.fmtY(f*y1), 14)))
	}
	// The X range, at both ends of the axis, and the axis's name.
	base := lineHeight - lineBottom + 16
	fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%d">%s</text>`, lineLeft, base, html.EscapeString(clip(c.fmtX(x0), 30)))
	if x1 != x0 {
		fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, lineWidth-lineRight, base, html.EscapeString(clip(c.fmtX(x1), 30)))
	}
	if c.XLabel != "" {
		fmt.Fprintf(&s, `<text class="chart-label" x="%s" y="%d" text-anchor="middle">%s</text>`, num(float64(lineLeft)+plotW/2), base+18, html.EscapeString(clip(c.XLabel, 40)))
	}
	for i, sr := range c.Series {
		if len(sr.Points) == 0 {
			continue
		}
		colour, dash := seriesStyle(i)
		pts := make([]string, len(sr.Points))
		for j, p := range sr.Points {
			pts[j] = num(px(p.X)) + "," + num(py(p.Y))
		}
		fmt.Fprintf(&s, `<polyline class="line-series" data-series="%d" fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`,
			i, colour, dash, strings.Join(pts, " "))
		last := sr.Points[len(sr.Points)-1]
		fmt.Fprintf(&s, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`, num(px(last.X)), num(py(last.Y)), colour)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// legend draws a swatch and the name of each series above the plot.
func (c LineChart) legend(s *strings.Builder) {
	for i, sr := range c.Series {
		colour, dash := seriesStyle(i)
		x := lineLeft + i*lineLegendW
		fmt.Fprintf(s, `<line x1="%d" y1="12" x2="%d" y2="12" stroke="%s" stroke-width="3"%s/>`, x, x+24, colour, dash)
		fmt.Fprintf(s, `<text class="chart-label" x="%d" y="17">%s</text>`, x+30, html.EscapeString(clip(sr.Name, 20)))
	}
}

// seriesStyle is the colour and the dash attribute of the i-th series.
func seriesStyle(i int) (colour, dash string) {
	colour = seriesColours[i%len(seriesColours)]
	if i%2 == 1 {
		dash = ` stroke-dasharray="6 4"`
	}
	return colour, dash
}

// bounds returns the X range and the top of the Y axis: the largest
// value (at least one, so that an all-zero series lies on the axis), a
// little rounded up. Values below zero are drawn at zero.
func (c LineChart) bounds() (x0, x1, y1 float64) {
	x0, x1 = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			x0, x1 = min(x0, p.X), max(x1, p.X)
			y1 = max(y1, p.Y)
		}
	}
	if y1 <= 0 || math.IsNaN(y1) || math.IsInf(y1, 0) {
		y1 = 1
	}
	return x0, x1, niceCeil(y1)
}

// niceCeil rounds v > 0 up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// describe says in words what the lines show, for screen readers: for
// each series its first, last and highest value.
func (c LineChart) describe() string {
	parts := make([]string, 0, len(c.Series)+2)
	if c.Desc != "" {
		parts = append(parts, c.Desc)
	}
	if n := c.Points(); n > 0 {
		x0, x1, _ := c.bounds()
		parts = append(parts, fmt.Sprintf("%d points from %s to %s", n, c.fmtX(x0), c.fmtX(x1)))
	}
	for _, s := range c.Series {
		if len(s.Points) == 0 {
			parts = append(parts, s.Name+": no data")
			continue
		}
		top := s.Points[0].Y
		for _, p := range s.Points {
			top = max(top, p.Y)
		}
		parts = append(parts, fmt.Sprintf("%s: from %s to %s, highest %s",
			s.Name, c.fmtY(s.Points[0].Y), c.fmtY(s.Points[len(s.Points)-1].Y), c.fmtY(top)))
	}
	if c.Points() == 0 {
		parts = append(parts, "no data yet")
	}
	return strings.Join(parts, "; ")
}

func (c LineChart) fmtX(x float64) string {
	if c.xText != nil {
		return c.xText(x)
	}
	return num(x)
}

func (c LineChart) fmtY(y float64) string {
	if c.yText != nil {
		return c.yText(y)
	}
	return num(y)
}
