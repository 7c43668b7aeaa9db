package gateway

import (
	"context"
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opensky-network/opensky/internal/api"
	"github.com/opensky-network/opensky/internal/bridge"
	"github.com/opensky-network/opensky/internal/ledger"
	"github.com/opensky-network/opensky/internal/spec"
)

// oaDoc is the part of an OpenAPI document the tests read.
type oaDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Paths      map[string]map[string]oaOperation `json:"paths"`
	Components struct {
		Schemas   map[string]oaSchema   `json:"schemas"`
		Responses map[string]oaResponse `json:"responses"`
	} `json:"components"`
}

type oaOperation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name     string `json:"name"`
		In       string `json:"in"`
		Required bool   `json:"required"`
	} `json:"parameters"`
	Responses map[string]oaResponse `json:"responses"`
	// Security overrides the document's; nil means the document's.
	Security []map[string][]string `json:"security"`
}

type oaResponse struct {
	Ref     string                               `json:"$ref"`
	Content map[string]struct{ Schema oaSchema } `json:"content"`
}

type oaSchema struct {
	Ref        string              `json:"$ref"`
	Type       string              `json:"type"`
	Properties map[string]oaSchema `json:"properties"`
	Required   []string            `json:"required"`
}

// oaMethods are the operation keys of an OpenAPI path item.
var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// opsRoutes are the routes outside /api/ that the document describes; the
// web UI's pages are not part of the API and are left out of it.
var opsRoutes = []string{"/healthz", "/metrics"}

func loadOpenAPI(t *testing.T, data []byte) *oaDoc {
	t.Helper()
	var doc oaDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("the OpenAPI document does not parse: %v", err)
	}
	return &doc
}

// isAPIRoute reports whether a registered path belongs in the document.
func isAPIRoute(path string) bool {
	return strings.HasPrefix(path, "/api/") || slices.Contains(opsRoutes, path)
}

// routeKey is "METHOD /path/{param}" of a ServeMux pattern, in the
// document's form: a trailing {name...} wildcard is {name}.
func routeKey(pattern string) (key, path string) {
	method, path, _ := strings.Cut(pattern, " ")
	path = strings.ReplaceAll(path, "...}", "}")
	path = strings.TrimSuffix(path, "{$}")
	return method + " " + path, path
}

// registeredRoutes lists the API routes the Server registered. Every
// route goes through Server.handle, which resolves its metrics when it
// registers it: the in-flight gauge has one series per pattern from the
// start.
func registeredRoutes(t *testing.T, s *Server) []string {
	t.Helper()
	mfs, err := s.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, mf := range mfs {
		if mf.GetName() != "opensky_gateway_requests_in_flight" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "route" || l.GetValue() == unmatchedRoute {
					continue
				}
				if key, path := routeKey(l.GetValue()); isAPIRoute(path) {
					out = append(out, key)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// documentedRoutes lists "METHOD /path" of every operation in doc.
func documentedRoutes(doc *oaDoc) []string {
	var out []string
	for path, item := range doc.Paths {
		for method := range item {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(out)
	return out
}

// compareRoutes returns the registered routes the document lacks and the
// documented ones nothing registered.
func compareRoutes(registered, documented []string) (missing, extra []string) {
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			missing = append(missing, r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			extra = append(extra, d)
		}
	}
	return missing, extra
}

func TestOpenAPIServed(t *testing.T) {
	_, _, ts := newTestGateway(t)
	resp, data := do(t, "GET", ts.URL+"/api/v1/openapi.json", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200; body %.200s", resp.StatusCode, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	if !json.Valid(data) {
		t.Fatal("the document is not valid JSON")
	}
	doc := loadOpenAPI(t, data)
	if !strings.HasPrefix(doc.OpenAPI, "3.0.") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	if doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("info %+v lacks a title or a version", doc.Info)
	}
	if len(doc.Paths) == 0 || len(doc.Components.Schemas) == 0 || len(doc.Components.Responses) == 0 {
		t.Error("the document has no paths, schemas or responses")
	}
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &struct {
		Paths *map[string]map[string]json.RawMessage `json:"paths"`
	}{&raw}); err != nil {
		t.Fatal(err)
	}
	for path, item := range raw {
		if !strings.HasPrefix(path, "/") {
			t.Errorf("path %q does not start with /", path)
		}
		for k := range item {
			if !slices.Contains(oaMethods, k) {
				t.Errorf("%s: %q is not an operation", path, k)
			}
		}
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	_, s, _ := newTestGateway(t)
	registered := registeredRoutes(t, s)
	if !slices.Contains(registered, "GET /api/v1/jobs/{id}") || !slices.Contains(registered, "POST /api/v1/chain/txs") {
		t.Fatalf("the registered routes were not found: %q", registered)
	}
	missing, extra := compareRoutes(registered, documentedRoutes(loadOpenAPI(t, openAPI)))
	for _, r := range missing {
		t.Errorf("route %s is registered but not in openapi.json", r)
	}
	for _, r := range extra {
		t.Errorf("openapi.json describes %s, which is not registered", r)
	}
}

// TestOpenAPIRouteCheckFails shows the comparison catching a document
// that lost a route or gained one that does not exist.
func TestOpenAPIRouteCheckFails(t *testing.T) {
	_, s, _ := newTestGateway(t)
	doc := loadOpenAPI(t, openAPI)
	delete(doc.Paths["/api/v1/jobs/{id}"], "get")
	delete(doc.Paths, "/api/v1/chain/faucet")
	doc.Paths["/api/v1/jobs/{id}/pause"] = map[string]oaOperation{"post": {}}
	missing, extra := compareRoutes(registeredRoutes(t, s), documentedRoutes(doc))
	if want := []string{"GET /api/v1/jobs/{id}", "POST /api/v1/chain/faucet"}; !slices.Equal(missing, want) {
		t.Errorf("missing %q, want %q", missing, want)
	}
	if want := []string{"POST /api/v1/jobs/{id}/pause"}; !slices.Equal(extra, want) {
		t.Errorf("extra %q, want %q", extra, want)
	}
	if p := routeProblem(s, "POST", "/api/v1/jobs/{id}/pause", "/api/v1/jobs/job-1/pause"); p == "" {
		t.Error("the mux check accepted a route that does not exist")
	}
}

// routeProblem says why the mux does not serve method on the concrete
// url under the documented template, or returns "".
func routeProblem(s *Server, method, template, url string) string {
	req := httptest.NewRequest(method, url, nil)
	_, pattern := s.mux.Handler(req)
	if pattern == "" || pattern == "/" {
		return "no route matches " + method + " " + url
	}
	if key, _ := routeKey(pattern); key != method+" "+template {
		return method + " " + url + " is served by " + pattern
	}
	return ""
}

// samplePathValues fill the documented path parameters with values that
// exist in the fakes of TestOpenAPIPathsAreRealRoutes.
func samplePathValues(job string) map[string]string {
	return map[string]string{
		"id":      job,
		"shard":   "0",
		"path":    "out/result.txt",
		"address": testAddress,
		"job":     job,
		"cid":     "bafkfake",
		"height":  "5",
		"tx":      strings.Repeat("ab", 32),
	}
}

// sampleBodies are the request bodies of the documented POST routes.
var sampleBodies = map[string]string{
	"/api/v1/blobs":              "hello",
	"/api/v1/jobs":               "",
	"/api/v1/chain/txs":          "{}",
	"/api/v1/chain/faucet":       `{"address":"` + testAddress + `"}`,
	"/api/v1/storage":            "",
	"/api/v1/storage/{cid}/blob": `{"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIPathsAreRealRoutes requests every documented operation: the
// mux routes it to the pattern the document names, and the answer has a
// status and a content type the document lists for it.
func TestOpenAPIPathsAreRealRoutes(t *testing.T) {
	chain := newFakeChain()
	b, s, _ := newTestGateway(t, WithChain(chain), WithStorage(&fakeStorage{failAfter: -1}))
	job := b.addJob(api.PhaseCompleted, 1)
	b.outputs[job] = map[string][]byte{"0/out/result.txt": []byte("42\n")}
	for _, q := range []string{
		ledger.QueryAccount + testAddress, ledger.QueryProviders, ledger.QueryProvider + job,
		ledger.QueryEscrow + job, ledger.QueryJob + job,
		ledger.QueryMarket, ledger.QueryParams, ledger.QuerySupply, ledger.QueryInvariants,
	} {
		chain.answers[q] = "{}"
	}
	doc := loadOpenAPI(t, openAPI)
	values := samplePathValues(job)
	for _, route := range documentedRoutes(doc) {
		method, template, _ := strings.Cut(route, " ")
		op := doc.Paths[template][strings.ToLower(method)]
		url := pathParam.ReplaceAllStringFunc(template, func(m string) string {
			v, ok := values[m[1:len(m)-1]]
			if !ok {
				t.Errorf("%s: no sample value for %s", route, m)
			}
			return v
		})
		if p := routeProblem(s, method, template, url); p != "" {
			t.Errorf("%s: %s", route, p)
			continue
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		req := httptest.NewRequestWithContext(ctx, method, url, strings.NewReader(sampleBodies[template]))
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		cancel()
		status := strconv.Itoa(rec.Code)
		if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
			var e api.Error
			_ = json.Unmarshal(rec.Body.Bytes(), &e)
			if e.Code == codeMethodNotAllowed || strings.HasPrefix(e.Message, "no such endpoint") {
				t.Errorf("%s: %d from the mux: %s", route, rec.Code, e.Message)
				continue
			}
		}
		resp, ok := op.Responses[status]
		if !ok {
			t.Errorf("%s answered %d, which the document does not list; body %.200s", route, rec.Code, rec.Body)
			continue
		}
		resp = resolveResponse(t, doc, resp)
		if len(resp.Content) == 0 {
			continue
		}
		ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if _, ok := resp.Content[ct]; !ok {
			t.Errorf("%s answered %d with Content-Type %q; the document lists %q", route, rec.Code, ct, slices.Sorted(maps.Keys(resp.Content)))
		}
	}
}

// resolveResponse follows a response's $ref into components.responses.
func resolveResponse(t *testing.T, doc *oaDoc, r oaResponse) oaResponse {
	t.Helper()
	if r.Ref == "" {
		return r
	}
	name, ok := strings.CutPrefix(r.Ref, "#/components/responses/")
	c, found := doc.Components.Responses[name]
	if !ok || !found {
		t.Fatalf("response $ref %q does not resolve", r.Ref)
	}
	return c
}

func TestOpenAPIPathParameters(t *testing.T) {
	doc := loadOpenAPI(t, openAPI)
	for _, route := range documentedRoutes(doc) {
		method, template, _ := strings.Cut(route, " ")
		op := doc.Paths[template][strings.ToLower(method)]
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", route)
		}
		var inTemplate, documented []string
		for _, m := range pathParam.FindAllStringSubmatch(template, -1) {
			inTemplate = append(inTemplate, m[1])
		}
		for _, p := range op.Parameters {
			switch p.In {
			case "path":
				if !p.Required {
					t.Errorf("%s: path parameter %s is not required", route, p.Name)
				}
				documented = append(documented, p.Name)
			case "query", "header":
			default:
				t.Errorf("%s: parameter %s is in %q", route, p.Name, p.In)
			}
		}
		slices.Sort(inTemplate)
		slices.Sort(documented)
		if !slices.Equal(inTemplate, documented) {
			t.Errorf("%s: path parameters %q, the template has %q", route, documented, inTemplate)
		}
	}
}

// TestOpenAPIRefsResolve follows every $ref of the document, and checks
// that every operation has a success response and describes its errors
// with the Error schema.
func TestOpenAPIRefsResolve(t *testing.T) {
	var root any
	if err := json.Unmarshal(openAPI, &root); err != nil {
		t.Fatal(err)
	}
	refs := 0
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if _, err := resolvePointer(root, ref); err != "" {
					t.Errorf("%s: $ref %q: %s", at, ref, err)
				}
			}
			for k, e := range v {
				walk(e, at+"/"+k)
			}
		case []any:
			for _, e := range v {
				walk(e, at+"/[]")
			}
		}
	}
	walk(root, "#")
	if refs == 0 {
		t.Fatal("the document has no $ref")
	}

	doc := loadOpenAPI(t, openAPI)
	for _, route := range documentedRoutes(doc) {
		method, template, _ := strings.Cut(route, " ")
		op := doc.Paths[template][strings.ToLower(method)]
		ok := false
		for status, r := range op.Responses {
			r = resolveResponse(t, doc, r)
			if strings.HasPrefix(status, "2") {
				ok = true
				continue
			}
			if s := r.Content["application/json"].Schema; s.Ref != "#/components/schemas/Error" {
				t.Errorf("%s: the %s response is not an Error", route, status)
			}
		}
		if !ok {
			t.Errorf("%s has no success response", route)
		}
	}
}

// resolvePointer resolves a local JSON pointer in doc; it returns a
// non-empty reason when it cannot.
func resolvePointer(doc any, ref string) (any, string) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return nil, "not a reference into #/components"
	}
	v := doc.(map[string]any)["components"]
	for _, tok := range strings.Split(rest, "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, "no object at " + tok
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		if v, ok = m[tok]; !ok {
			return nil, "no " + tok
		}
	}
	return v, ""
}

// schemaTypes are the Go types the component schemas describe.
var schemaTypes = []struct {
	schema string
	typ    reflect.Type
}{
	{"Error", reflect.TypeFor[api.Error]()},
	{"BlockHeader", reflect.TypeFor[api.BlockHeader]()},
	{"BridgeStatus", reflect.TypeFor[bridge.Status]()},
	{"Deposit", reflect.TypeFor[bridge.Deposit]()},
	{"Payout", reflect.TypeFor[bridge.Payout]()},
	{"Anchor", reflect.TypeFor[bridge.Anchor]()},
	{"Problem", reflect.TypeFor[api.Problem]()},
	{"Node", reflect.TypeFor[api.Node]()},
	{"Capacity", reflect.TypeFor[api.Capacity]()},
	{"Capacity", reflect.TypeFor[ledger.Capacity]()},
	{"Provider", reflect.TypeFor[api.Provider]()},
	{"Blob", reflect.TypeFor[api.Blob]()},
	{"Job", reflect.TypeFor[api.Job]()},
	{"Event", reflect.TypeFor[api.Event]()},
	{"Task", reflect.TypeFor[api.Task]()},
	{"TaskAttempt", reflect.TypeFor[api.TaskAttempt]()},
	{"PhaseStep", reflect.TypeFor[api.PhaseStep]()},
	{"Payment", reflect.TypeFor[api.Payment]()},
	{"Verification", reflect.TypeFor[api.Verification]()},
	{"ShardVerdict", reflect.TypeFor[api.ShardVerdict]()},
	{"Vote", reflect.TypeFor[api.Vote]()},
	{"Logs", reflect.TypeFor[api.Logs]()},
	{"TaskLog", reflect.TypeFor[api.TaskLog]()},
	{"OutputFile", reflect.TypeFor[api.OutputFile]()},
	{"JobSpec", reflect.TypeFor[spec.Job]()},
	{"JobResources", reflect.TypeFor[spec.Resources]()},
	{"JobInput", reflect.TypeFor[spec.Input]()},
	{"JobOutput", reflect.TypeFor[spec.Output]()},
	{"JobTimeouts", reflect.TypeFor[spec.Timeouts]()},
	{"JobReduce", reflect.TypeFor[spec.Reduce]()},
	{"ChainInfo", reflect.TypeFor[api.ChainInfo]()},
	{"TxRequest", reflect.TypeFor[api.TxRequest]()},
	{"FaucetRequest", reflect.TypeFor[api.FaucetRequest]()},
	{"TxResult", reflect.TypeFor[api.TxResult]()},
	{"TxEvent", reflect.TypeFor[api.TxEvent]()},
	{"TxPage", reflect.TypeFor[api.TxPage]()},
	{"AccountView", reflect.TypeFor[ledger.AccountView]()},
	{"ProviderView", reflect.TypeFor[ledger.ProviderView]()},
	{"Reputation", reflect.TypeFor[ledger.Reputation]()},
	{"Escrow", reflect.TypeFor[ledger.Escrow]()},
	{"Market", reflect.TypeFor[ledger.Market]()},
	{"Params", reflect.TypeFor[ledger.Params]()},
	{"SupplyView", reflect.TypeFor[ledger.SupplyView]()},
	{"InvariantReport", reflect.TypeFor[ledger.Report]()},
	{"AuthInfo", reflect.TypeFor[api.AuthInfo]()},
	{"Token", reflect.TypeFor[api.Token]()},
	{"NewToken", reflect.TypeFor[api.NewToken]()},
	{"TokenRequest", reflect.TypeFor[api.TokenRequest]()},
}

// TestOpenAPISchemasMatchTypes holds each component schema to its Go type:
// the same JSON fields, and only fields that are always encoded required.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc := loadOpenAPI(t, openAPI)
	for _, st := range schemaTypes {
		s, ok := doc.Components.Schemas[st.schema]
		if !ok {
			t.Errorf("no component schema %s for %s", st.schema, st.typ)
			continue
		}
		fields := map[string]bool{} // JSON name -> may be omitted
		jsonFields(st.typ, fields)
		for name := range fields {
			if _, ok := s.Properties[name]; !ok {
				t.Errorf("schema %s lacks %s's field %q", st.schema, st.typ, name)
			}
		}
		for name := range s.Properties {
			if _, ok := fields[name]; !ok {
				t.Errorf("schema %s has property %q, which %s lacks", st.schema, name, st.typ)
			}
		}
		for _, name := range s.Required {
			if fields[name] {
				t.Errorf("schema %s requires %q, which %s may omit", st.schema, name, st.typ)
			}
		}
	}
}

// jsonFields records the JSON field names of struct type t and whether
// encoding/json may omit each, flattening embedded structs.
func jsonFields(t reflect.Type, out map[string]bool) {
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			jsonFields(f.Type, out)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
	}
}
