package ui

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/storage"
)

// Geometry of a health meter, in SVG user units.
const (
	meterWidth  = 96
	meterHeight = 14
)

// healthMeter draws an object's live shards out of all its shards as a
// small bar, coloured by class, with a mark at k, the shards a read
// needs (none when k is unknown). The title says it all in words.
func healthMeter(id string, h api.StorageHealth, k int, class string) template.HTML {
	frac := 0.0
	if h.Total > 0 {
		frac = min(max(float64(h.Live)/float64(h.Total), 0), 1)
	}
	words := fmt.Sprintf("%d of %d shards live", h.Live, h.Total)
	if k > 0 {
		words += fmt.Sprintf("; a read needs %d", k)
	}
	if h.Readable {
		words += "; readable"
	} else {
		words += "; not readable"
	}
	var s strings.Builder
	id = html.EscapeString(id)
	fmt.Fprintf(&s, `<svg class="meter %s" role="img" viewBox="0 0 %d %d" width="%d" height="%d" aria-labelledby="%s-title" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(class), meterWidth, meterHeight, meterWidth, meterHeight, id)
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, id, html.EscapeString(words))
	fmt.Fprintf(&s, `<rect class="meter-track" x="0.5" y="0.5" width="%d" height="%d"/>`, meterWidth-1, meterHeight-1)
	fmt.Fprintf(&s, `<rect class="meter-bar" x="1" y="1" width="%s" height="%d"/>`, num(float64(meterWidth-2)*frac), meterHeight-2)
	if k > 0 && h.Total > 0 && k <= h.Total {
		x := num(1 + float64(meterWidth-2)*float64(k)/float64(h.Total))
		fmt.Fprintf(&s, `<line class="meter-mark" x1="%s" y1="0" x2="%s" y2="%d"/>`, x, x, meterHeight)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// dataShards is k of a "k+m" layout, 0 when it does not parse.
func dataShards(redundancy string) int {
	l, err := storage.ParseLayout(redundancy)
	if err != nil {
		return 0
	}
	return l.Data
}
