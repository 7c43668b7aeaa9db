package ui

import (
	"slices"

	"github.com/opensky-network/opensky/internal/api"
)

// flowSeries is one line of a chart of an account's payments: the
// running total of the flows of the given kinds.
type flowSeries struct {
	Name  string
	Kinds []flowKind
}

// flowTotals are what an account's transactions paid it and it paid.
type flowTotals struct {
	Received int64 // paid to it, its earnings included
	Earned   int64 // paid to it as a provider, for jobs and storage
	Paid     int64 // paid by it
}

// flowChart draws, over block heights, the running totals of the
// account's flows that each series picks, from txs (newest first, as the
// chain lists them). Each transaction with a flow a series picks is one
// point of every series, after a first point at zero, and the totals are
// carried on to the height until (the chain's, so that the lines reach
// the present) when it is past the last: n such transactions make n+1
// points, n+2 with until. It also returns the totals over txs.
func flowChart(id, title, desc, me string, until int64, txs []api.TxResult, series ...flowSeries) (LineChart, flowTotals) {
	c := LineChart{ID: id, Title: title, Desc: desc, XLabel: "block height", xText: heightText, yText: usdAxisText}
	c.Series = make([]Series, len(series))
	for i, s := range series {
		c.Series[i].Name = s.Name
	}
	var totals flowTotals
	sums := make([]int64, len(series))
	for _, r := range slices.Backward(txs) {
		picked := false
		for _, f := range txFlows(r, me) {
			switch f.Chart {
			case flowReceived:
				totals.Received = satAdd(totals.Received, f.Value)
			case flowEarned:
				totals.Received = satAdd(totals.Received, f.Value)
				totals.Earned = satAdd(totals.Earned, f.Value)
			case flowPaid:
				totals.Paid = satAdd(totals.Paid, f.Value)
			}
			for i, s := range series {
				if slices.Contains(s.Kinds, f.Chart) {
					sums[i] = satAdd(sums[i], f.Value)
					picked = true
				}
			}
		}
		if !picked {
			continue
		}
		x := float64(r.Height)
		for i := range series {
			if len(c.Series[i].Points) == 0 {
				c.Series[i].Points = append(c.Series[i].Points, Point{X: x, Y: 0})
			}
			c.Series[i].Points = append(c.Series[i].Points, Point{X: x, Y: float64(sums[i])})
		}
	}
	for i := range c.Series {
		if pts := c.Series[i].Points; len(pts) > 0 && float64(until) > pts[len(pts)-1].X {
			c.Series[i].Points = append(pts, Point{X: float64(until), Y: float64(sums[i])})
		}
	}
	return c, totals
}

// satAdd adds two amounts of at most the maximum supply each, stopping
// at the largest int64 instead of wrapping.
func satAdd(a, b int64) int64 {
	if b > 0 && a > (1<<63-1)-b {
		return 1<<63 - 1
	}
	return a + b
}
