package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/opensky-network/opensky/internal/api"
)

// internalBody is the body of a 500 response.
var internalBody = api.Error{Code: codeInternal, Message: "internal error", Hint: "the gateway log has the details"}

// writeJSON writes v as the JSON body of a response with the given status.
// v is encoded before anything is sent, so an encoding failure still
// yields a well-formed 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(internalBody)
	}
	data = append(data, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeError writes an api.Error body.
func writeError(w http.ResponseWriter, status int, e api.Error) {
	writeJSON(w, status, e)
}
