package ui

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Bar is one row of a bar chart.
type Bar struct {
	Label string
	Value float64
	// Max, when positive, is the full length of this bar's track (e.g.
	// the capacity offered, with Value the capacity in use); otherwise
	// bars are scaled to the largest Value.
	Max float64
	// Text is shown after the bar; the value itself when empty.
	Text string
}

// Chart is a horizontal bar chart drawn as SVG by the server.
type Chart struct {
	ID    string // unique in the page; names the title and description
	Title string
	Desc  string
	Bars  []Bar
}

// Geometry of a chart, in SVG user units.
const (
	chartWidth  = 640
	chartLabelW = 130
	chartTextW  = 150
	chartRowH   = 28
	chartBarH   = 18
	chartPad    = 6
)

// SVG draws the chart. Every text is escaped; the numbers are formatted
// by the server, so the result is safe to put in a page as is.
func (c Chart) SVG() template.HTML {
	height := len(c.Bars)*chartRowH + 2*chartPad
	if len(c.Bars) == 0 {
		height = chartRowH + 2*chartPad
	}
	scale := 0.0
	for _, b := range c.Bars {
		if b.Max <= 0 && b.Value > scale {
			scale = b.Value
		}
	}
	trackW := float64(chartWidth - chartLabelW - chartTextW)
	id := html.EscapeString(c.ID)

	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, height, id, id)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, id, html.EscapeString(c.Title))
	fmt.Fprintf(&s, `<desc id="%s-desc">%s</desc>`, id, html.EscapeString(c.describe()))
	if len(c.Bars) == 0 {
		fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%d">nothing to show yet</text>`, chartPad, chartPad+chartBarH)
	}
	for i, b := range c.Bars {
		y := chartPad + i*chartRowH
		full, frac := scale, 0.0
		if b.Max > 0 {
			full = b.Max
		}
		if full > 0 {
			frac = min(max(b.Value/full, 0), 1)
		}
		textY := y + chartBarH - 4
		fmt.Fprintf(&s, `<text class="chart-label" x="%d" y="%d">%s</text>`, chartPad, textY, html.EscapeString(clip(b.Label, 18)))
		if b.Max > 0 {
			fmt.Fprintf(&s, `<rect class="chart-track" x="%d" y="%d" width="%s" height="%d"/>`, chartLabelW, y, num(trackW), chartBarH)
		}
		fmt.Fprintf(&s, `<rect class="chart-bar" x="%d" y="%d" width="%s" height="%d"/>`, chartLabelW, y, num(trackW*frac), chartBarH)
		fmt.Fprintf(&s, `<text class="chart-value" x="%s" y="%d">%s</text>`, num(float64(chartLabelW)+trackW+chartPad), textY, html.EscapeString(b.text()))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// describe says in words what the bars show, for screen readers.
func (c Chart) describe() string {
	parts := make([]string, 0, len(c.Bars)+1)
	if c.Desc != "" {
		parts = append(parts, c.Desc)
	}
	for _, b := range c.Bars {
		parts = append(parts, b.Label+": "+b.text())
	}
	if len(c.Bars) == 0 {
		parts = append(parts, "no data")
	}
	return strings.Join(parts, "; ")
}

// text is what is shown after the bar.
func (b Bar) text() string {
	if b.Text != "" {
		return b.Text
	}
	return num(b.Value)
}

// num formats a coordinate or a value to at most two decimals.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
