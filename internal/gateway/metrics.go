package gateway

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// unmatchedRoute is the route label of requests no endpoint matched, so
// that arbitrary paths cannot grow the label set.
const unmatchedRoute = "unmatched"

// metrics are the gateway's request metrics.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight *prometheus.GaugeVec
}

// newMetrics creates the request metrics and registers them, with the Go
// runtime and process collectors, on reg.
func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "opensky",
			Subsystem: "gateway",
			Name:      "requests_total",
			Help:      "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "opensky",
			Subsystem: "gateway",
			Name:      "request_duration_seconds",
			Help:      "Time to serve an HTTP request, by route pattern (streams count until they end).",
			Buckets:   prometheus.DefBuckets,
		}, []string{"route"}),
		inflight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "opensky",
			Subsystem: "gateway",
			Name:      "requests_in_flight",
			Help:      "HTTP requests being served, by route pattern.",
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// route holds the metric children of one route, resolved once when the
// route is registered so that a request only looks up its status code.
type route struct {
	requests *prometheus.CounterVec
	duration prometheus.Observer
	inflight prometheus.Gauge
}

// forRoute returns the metric children of the route labelled name.
func (m *metrics) forRoute(name string) route {
	return route{
		requests: m.requests.MustCurryWith(prometheus.Labels{"route": name}),
		duration: m.duration.WithLabelValues(name),
		inflight: m.inflight.WithLabelValues(name),
	}
}
