package ui

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestChartEscapesLabels(t *testing.T) {
	c := Chart{
		ID:    `x" onload="alert(1)`,
		Title: `</title><script>alert(2)</script>`,
		Desc:  `<b>bold</b>`,
		Bars: []Bar{
			{Label: `<script>alert(3)</script>`, Value: 3, Text: `<img src=x onerror=alert(4)>`},
			{Label: "ok", Value: 1},
		},
	}
	svg := string(c.SVG())
	for _, raw := range []string{"<script", "<img", `" onload="`, "<b>"} {
		if strings.Contains(svg, raw) {
			t.Errorf("the chart contains %q unescaped:\n%s", raw, svg)
		}
	}
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html lang=en><body>" + svg))
	if err != nil {
		t.Fatal(err)
	}
	var elems []string
	var title string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Namespace == "svg" {
			elems = append(elems, n.Data)
			if n.Data == "title" {
				title = textOf(n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, e := range elems {
		switch e {
		case "svg", "title", "desc", "text", "rect":
		default:
			t.Errorf("the chart has a <%s> element", e)
		}
	}
	if title != c.Title {
		t.Errorf("title %q, want %q", title, c.Title)
	}
}

func TestChartScales(t *testing.T) {
	svg := string(Chart{ID: "c", Title: "t", Bars: []Bar{
		{Label: "a", Value: 4}, {Label: "b", Value: 2},
		{Label: "used", Value: 1, Max: 4, Text: "1 of 4"},
	}}.SVG())
	// The track is 640-130-150 = 360 units long.
	for _, want := range []string{`width="360" height="18"/><text class="chart-value"`, `width="180"`, `width="90"`, ">1 of 4<", "a: 4; b: 2; used: 1 of 4"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	empty := string(Chart{ID: "e", Title: "nothing"}.SVG())
	if !strings.Contains(empty, "nothing to show yet") {
		t.Errorf("empty chart: %s", empty)
	}
}
