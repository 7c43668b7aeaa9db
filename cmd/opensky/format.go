package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/spec"
)

// money formats an amount in micro-USD as dollars.
func money(micro int64) string {
	return "$" + spec.MicroUSD(micro).String()
}

// bytesize formats a byte count with a binary suffix, rounded.
func bytesize(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + "B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v >= 10 || v == float64(int64(v)) {
		s = strconv.FormatFloat(v, 'f', 0, 64)
	}
	return s + string("KMGTP"[exp]) + "i"
}

// cores formats millicores as cores.
func cores(milli int64) string {
	return spec.MilliCPU(milli).String()
}

// ago formats how long before now t was.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return fmt.Sprintf("%dd ago", int(d.Hours()/24))
}

// elapsed formats a duration for progress lines and summaries.
func elapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// tasksDone counts the tasks of j that reached a terminal phase.
func tasksDone(j *api.Job) int {
	n := 0
	for _, t := range j.Tasks {
		if t.Phase.Terminal() {
			n++
		}
	}
	return n
}

// orDash returns s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortID shortens a peer ID for tables.
func shortID(p string) string {
	if len(p) > 16 {
		return p[:6] + "…" + p[len(p)-6:]
	}
	return p
}
