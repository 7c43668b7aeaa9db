package gateway

import (
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	_, _, ts := newTestGateway(t)
	do(t, "GET", ts.URL+"/healthz", "", nil)
	do(t, "GET", ts.URL+"/api/v1/jobs/missing", "", nil)
	do(t, "GET", ts.URL+"/some/random/path", "", nil)

	_, data := do(t, "GET", ts.URL+"/metrics", "", nil)
	text := string(data)
	for _, want := range []string{
		`opensky_gateway_requests_total{code="200",route="GET /healthz"} 1`,
		`opensky_gateway_requests_total{code="404",route="GET /api/v1/jobs/{id}"} 1`,
		`opensky_gateway_requests_total{code="404",route="unmatched"} 1`,
		`opensky_gateway_request_duration_seconds_count{route="GET /healthz"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "/some/random/path") {
		t.Error("an unmatched path became a label value")
	}
}
