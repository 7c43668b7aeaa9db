package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/gateway/auth"
)

// TestOpenAPISecurity holds the document's security to the gateway's
// policy: the public operations say credentials are optional, the token
// creation that it takes a signature, every other operation falls under
// the document's signed-request-or-token requirement; every operation
// lists 401, and all but probes and scrapes 429.
func TestOpenAPISecurity(t *testing.T) {
	doc := loadOpenAPI(t, openAPI)
	var raw struct {
		Security   []map[string][]string `json:"security"`
		Components struct {
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &raw); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"signedRequest", "apiToken", "session"} {
		if _, ok := raw.Components.SecuritySchemes[name]; !ok {
			t.Errorf("no security scheme %s", name)
		}
	}
	if len(raw.Security) != 2 || raw.Security[0]["signedRequest"] == nil || raw.Security[1]["apiToken"] == nil {
		t.Errorf("document security %v, want a signed request or a token", raw.Security)
	}
	for _, route := range documentedRoutes(doc) {
		method, template, _ := strings.Cut(route, " ")
		op := doc.Paths[template][strings.ToLower(method)]
		switch policyOf(route) {
		case policyPublic:
			if !slices.ContainsFunc(op.Security, func(m map[string][]string) bool { return len(m) == 0 }) {
				t.Errorf("%s is public but its security %v does not make credentials optional", route, op.Security)
			}
		case policySigned:
			if len(op.Security) != 1 || op.Security[0]["signedRequest"] == nil {
				t.Errorf("%s takes only a signed request but its security is %v", route, op.Security)
			}
		case policyBrowserWrite:
			if len(op.Security) != 3 || op.Security[0]["signedRequest"] == nil || op.Security[1]["apiToken"] == nil || op.Security[2]["session"] == nil {
				t.Errorf("%s takes a signed request, a token or the session of a page, but its security is %v", route, op.Security)
			}
		default:
			if op.Security != nil {
				t.Errorf("%s needs authentication but overrides the document's security with %v", route, op.Security)
			}
		}
		if _, ok := op.Responses["401"]; !ok {
			t.Errorf("%s does not list 401", route)
		}
		if _, ok := op.Responses["429"]; !ok && !unlimitedRoutes[route] {
			t.Errorf("%s does not list 429", route)
		}
	}
}

// TestOpenAPIPathsWithAuth requests every documented operation of a
// gateway that authenticates, without credentials: the public ones answer
// as without authentication, every other one 401, a status its
// description lists.
func TestOpenAPIPathsWithAuth(t *testing.T) {
	g := newAuthGateway(t, func(c *AuthConfig) { c.Burst = 1000 }, WithChain(newFakeChain()), WithStorage(&fakeStorage{failAfter: -1}))
	job := g.b.addJob(api.PhaseCompleted, 1)
	doc := loadOpenAPI(t, openAPI)
	values := samplePathValues(job)
	for _, route := range documentedRoutes(doc) {
		method, template, _ := strings.Cut(route, " ")
		op := doc.Paths[template][strings.ToLower(method)]
		url := pathParam.ReplaceAllStringFunc(template, func(m string) string { return values[m[1:len(m)-1]] })
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		req := httptest.NewRequestWithContext(ctx, method, url, strings.NewReader(sampleBodies[template]))
		rec := httptest.NewRecorder()
		g.s.Handler().ServeHTTP(rec, req)
		cancel()
		public := policyOf(route) == policyPublic
		switch {
		case public && rec.Code == http.StatusUnauthorized:
			t.Errorf("%s is public but answered 401", route)
		case !public && rec.Code != http.StatusUnauthorized:
			t.Errorf("%s answered %d without credentials, want 401", route, rec.Code)
		}
		if _, ok := op.Responses[strconv.Itoa(rec.Code)]; !ok {
			t.Errorf("%s answered %d, which the document does not list", route, rec.Code)
		}
	}
	// The token is an auth.Token on the wire as api.Token says.
	if auth.TokenIDLen != 16 {
		t.Fatal("the documented token ID length changed")
	}
}
