package ui

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/ledger"
)

// funcs are the helpers the templates format values with.
var funcs = template.FuncMap{
	"usd":        ledger.FormatUSD,
	"bytes":      formatBytes,
	"cpu":        formatCPU,
	"when":       formatTime,
	"isoTime":    isoTime,
	"short":      shortID,
	"ppm":        formatPPM,
	"bps":        formatBps,
	"jobURL":     jobURL,
	"outputURL":  outputURL,
	"apiJobURL":  apiJobURL,
	"objectURL":  objectURL,
	"shardClass": shardClass,
	"terminal":   func(p api.Phase) bool { return p.Terminal() },
	"phaseClass": phaseClass,
	"fieldErr":   fieldErr,
	"inc":        func(i int) int { return i + 1 },
}

// fieldProblems are a form field's problems, for the "err" template.
type fieldProblems struct {
	ID   string // the id of the element that shows them
	Msgs []string
}

// fieldErr gives the template the problems of one field of a form.
func fieldErr(ps *formProblems, field string) fieldProblems {
	return fieldProblems{ID: field + "-error", Msgs: ps.Field(field)}
}

// formatBytes shows a byte count in binary units: 1536 is "1.5 KiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= unit
		if v < unit && v > -unit {
			return strconv.FormatFloat(v, 'f', 1, 64) + " " + u
		}
	}
	return strconv.FormatFloat(v/unit, 'f', 1, 64) + " PiB"
}

// formatCPU shows millicores as cores: 2500 is "2.5 cores".
func formatCPU(milli int64) string {
	s := strconv.FormatFloat(float64(milli)/1000, 'f', -1, 64)
	if milli == 1000 {
		return s + " core"
	}
	return s + " cores"
}

// formatTime shows a time in UTC to the second; the zero time is "—".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// isoTime is the machine-readable form for <time datetime>.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// shortID shortens a long identifier (peer ID, hash) for a table cell;
// the full value goes in a title attribute.
func shortID(s string) string {
	const keep = 16
	if len(s) <= keep+1 {
		return s
	}
	return s[:keep] + "…"
}

// formatPPM shows parts per million as a percentage: 500000 is "50.0%".
func formatPPM(v int64) string {
	return strconv.FormatFloat(float64(v)/1e4, 'f', 1, 64) + "%"
}

// formatBps shows basis points as a percentage: 250 is "2.50%".
func formatBps(v int64) string {
	return strconv.FormatFloat(float64(v)/100, 'f', 2, 64) + "%"
}

// jobURL is the path of a job's page.
func jobURL(id string) string {
	return "/jobs/" + url.PathEscape(id)
}

// apiJobURL is the API path of a job's record.
func apiJobURL(id string) string {
	return "/api/v1/jobs/" + url.PathEscape(id)
}

// outputURL is the API path that downloads one output file.
func outputURL(id string, f api.OutputFile) string {
	parts := strings.Split(f.Path, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return fmt.Sprintf("%s/outputs/%d/%s", apiJobURL(id), f.Shard, strings.Join(parts, "/"))
}

// phaseClass is the CSS class that colours a phase badge.
func phaseClass(p api.Phase) string {
	switch p {
	case api.PhaseCompleted:
		return "phase phase-ok"
	case api.PhaseFailed, api.PhaseExpired:
		return "phase phase-bad"
	case api.PhaseCancelled:
		return "phase phase-off"
	}
	return "phase phase-live"
}

// phases lists every phase in lifecycle order.
var phases = []api.Phase{
	api.PhaseQueued, api.PhaseMatching, api.PhaseStaging, api.PhasePulling,
	api.PhaseRunning, api.PhaseVerifying, api.PhaseSettling,
	api.PhaseCompleted, api.PhaseFailed, api.PhaseCancelled, api.PhaseExpired,
}

// knownPhase reports whether p is one of phases.
func knownPhase(p api.Phase) bool {
	for _, q := range phases {
		if q == p {
			return true
		}
	}
	return false
}
