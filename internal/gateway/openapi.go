package gateway

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPI is the OpenAPI 3.0 document of the HTTP API, served at
// GET /api/v1/openapi.json. openapi_test.go holds it to the routes the
// Server registers and to the Go types the routes answer with, so a route
// or a field added without its description fails the tests.
//
//go:embed openapi.json
var openAPI []byte

// openAPIDoc serves the API's OpenAPI document.
func (s *Server) openAPIDoc(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPI)
}
