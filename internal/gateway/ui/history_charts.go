package ui

import (
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/ledger"
)

// historyView is what the "history" template (templates/history.html)
// shows: the sampler's points as charts over time.
type historyView struct {
	Every  string // the interval between points, in words
	Span   string // how far back the points go, in words
	Points int
	Charts []LineChart
}

// historyCharts draws the sampler's points: providers online, CPU
// offered and in use, jobs active and finished, jobs finished per
// minute, and with a chain the price index. Without points it has no
// charts, and the template says when the first comes.
func (h *Handler) historyCharts() historyView {
	pts := h.history.points()
	v := historyView{Every: roughDuration(h.history.every), Points: len(pts)}
	if len(pts) == 0 {
		return v
	}
	if d := pts[len(pts)-1].Time.Sub(pts[0].Time); d >= time.Second {
		v.Span = roughDuration(d)
	}
	at := func(p historyPoint) float64 { return float64(p.Time.Unix()) }
	line := func(name string, y func(historyPoint) float64) Series {
		s := Series{Name: name, Points: make([]Point, len(pts))}
		for i, p := range pts {
			s.Points[i] = Point{X: at(p), Y: y(p)}
		}
		return s
	}
	cores := func(milli int64) float64 { return float64(milli) / 1000 }
	chart := func(id, title, desc string, yText func(float64) string, series ...Series) LineChart {
		return LineChart{ID: id, Title: title, Desc: desc, XLabel: "time (UTC)", Series: series, xText: clockText, yText: yText}
	}
	v.Charts = append(v.Charts,
		chart("providers-over-time", "Providers online", "providers online at each point", countText,
			line("providers", func(p historyPoint) float64 { return float64(p.Providers) })),
		chart("capacity-over-time", "CPU offered and in use", "CPU cores the providers online offer, and those in use", coresText,
			line("offered", func(p historyPoint) float64 { return cores(p.CPUOffered) }),
			line("in use", func(p historyPoint) float64 { return cores(p.CPUInUse) })),
		chart("jobs-over-time", "Jobs active and finished", "jobs not yet finished, and jobs finished so far, on this gateway", countText,
			line("active", func(p historyPoint) float64 { return float64(p.JobsActive) }),
			line("finished", func(p historyPoint) float64 { return float64(p.JobsFinished) })),
		chart("throughput-over-time", "Throughput", "jobs finished per minute between one point and the next", rateText,
			throughput(pts)),
	)
	if prices := priceSeries(pts); len(prices.Points) > 0 {
		v.Charts = append(v.Charts, chart("price-over-time", "Price index", "the chain's price index per CPU-second", usdAxisText, prices))
	}
	return v
}

// throughput is the jobs finished per minute between consecutive points.
// A count that went down (a list capped, a restart) counts as none.
func throughput(pts []historyPoint) Series {
	s := Series{Name: "jobs per minute"}
	for i := 1; i < len(pts); i++ {
		dt := pts[i].Time.Sub(pts[i-1].Time).Minutes()
		if dt <= 0 {
			continue
		}
		done := max(pts[i].JobsFinished-pts[i-1].JobsFinished, 0)
		s.Points = append(s.Points, Point{X: float64(pts[i].Time.Unix()), Y: float64(done) / dt})
	}
	return s
}

// priceSeries is the price index at the points that have one.
func priceSeries(pts []historyPoint) Series {
	s := Series{Name: "price index"}
	for _, p := range pts {
		if p.HasPrice {
			s.Points = append(s.Points, Point{X: float64(p.Time.Unix()), Y: float64(p.PriceIndex)})
		}
	}
	return s
}

// clockText shows a Unix time as the time of day in UTC.
func clockText(x float64) string {
	return time.Unix(int64(x), 0).UTC().Format("15:04:05")
}

// heightText shows a block height.
func heightText(x float64) string {
	return "height " + strconv.FormatInt(int64(x), 10)
}

// countText shows a count (or half of one, on a grid line).
func countText(y float64) string { return num(y) }

// rateText shows a rate per minute.
func rateText(y float64) string { return num(y) + "/min" }

// coresText shows CPU cores.
func coresText(y float64) string { return formatCPU(int64(y * 1000)) }

// usdAxisText shows micro-USD as dollars, as short as exact: 2500000 is
// "$2.5", 1234 is "$0.001234".
func usdAxisText(y float64) string {
	micro := int64(y + 0.5)
	if y < 0 {
		micro = int64(y - 0.5)
	}
	s := strconv.FormatFloat(float64(micro)/float64(ledger.USD), 'f', -1, 64)
	if micro < 0 {
		return "-$" + s[1:]
	}
	return "$" + s
}

// roughDuration says a duration in the largest whole unit that fits:
// "10 seconds", "5 minutes", "1 hour".
func roughDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d >= time.Hour:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return unit(int64(d/time.Minute), "minute")
	case d >= time.Second:
		return unit(int64(d/time.Second), "second")
	}
	return unit(int64(d/time.Millisecond), "millisecond")
}
